/**
 * An independent check of the exact Hessian-vector products (shared/nets/hessian-vector.ts):
 * against @tensorflow/tfjs (CPU backend, float32) reverse-over-reverse, Hv = ∇_θ ⟨∇_θ L(θ), v⟩,
 * on the tfjs engine's model of the same networks (worker/engines/tfjs/network-model.ts, as in
 * nets-tfjs-hessian.test.ts): tanh and sin, SIREN initialization, Fourier features, depths 1–3,
 * regression and both PINNs (whose Hv needs the activation's fourth derivative).
 */
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import type { NetworkObjective } from '../../shared/problems/network.js';
import { Stream } from '../../shared/rng/stream.js';
import { problemKind } from '../../shared/study/problem-spec.js';
import { networkBatchOf, residuals } from '../../worker/engines/tfjs/network-model.js';
import { blocksOf, blockTensors, tfjsCpu } from '../helpers/tfjs-nets.js';

/** ‖Hv − Hv_tf‖₂ / ‖Hv_tf‖₂: float32 through nested reverse passes (observed ≤ 6e-6). */
const TOL = 1e-4;

const CASES: Record<string, unknown>[] = [
  { kind: 'mlp-regression', width: 8, depth: 2, activation: 'tanh', points: 16 },
  { kind: 'mlp-regression', width: 6, depth: 3, activation: 'sin', omega: 2, init: 'siren', points: 16 },
  { kind: 'mlp-regression', width: 6, depth: 1, activation: 'tanh', fourierFeatures: 3, points: 16 },
  { kind: 'pinn-1d', width: 6, depth: 2, activation: 'sin', omega: 1.5, points: 10 },
  { kind: 'pinn-1d', width: 5, depth: 2, activation: 'tanh', fourierFeatures: 2, points: 10 },
  { kind: 'pinn-2d', width: 5, depth: 2, activation: 'tanh', grid: 3, kappa: 1.5 },
  { kind: 'pinn-2d', width: 4, depth: 2, activation: 'sin', omega: 1.5, init: 'siren', grid: 3 },
];

test.before(tfjsCpu);

for (const raw of CASES) {
  test.serial(`${JSON.stringify(raw)}: Hv matches tfjs reverse-over-reverse`, (t) => {
    const k = problemKind(raw.kind as string);
    const spec = k.schema.parse(raw) as Record<string, unknown>;
    const name = JSON.stringify(raw);
    const f = k.create(spec, new Stream('tfjs-hvp-problem', name)) as NetworkObjective;
    const theta = f.initial(new Stream('tfjs-hvp-init', name));
    const rng = new Stream('tfjs-hvp-v', name);
    for (let i = 0; i < theta.length; i++) theta[i] += 0.15 * rng.normal();
    const v = rng.fillNormal(new Float64Array(f.dim));
    const d = spec.kind === 'pinn-2d' ? 2 : 1;
    const { blocks, dim } = blocksOf(spec, d);
    t.is(dim, f.dim);
    const N = f.def.points.length / d;
    const before = tf.memory().numTensors;
    const ref = tf.tidy(() => {
      const net = { ...networkBatchOf(tf, spec as { kind: string }, [f]), nestable: true };
      const loss = (th: tf.Tensor): tf.Scalar =>
        tf.mean(tf.square(tf.reshape(residuals(tf, net, blockTensors(th, blocks)), [N])));
      const grad = tf.grad(loss);
      const vt = tf.tensor1d(Float32Array.from(v));
      return tf
        .grad((th: tf.Tensor) => tf.sum(tf.mul(grad(th), vt)))(tf.tensor1d(Float32Array.from(theta)))
        .dataSync();
    });
    t.is(tf.memory().numTensors, before, 'tfjs tensors all disposed');
    const hv = f.linearize(theta).hessian.apply(v, new Float64Array(f.dim));
    let num = 0;
    let den = 0;
    for (let i = 0; i < f.dim; i++) {
      num += (hv[i] - ref[i]) ** 2;
      den += ref[i] ** 2;
    }
    const err = Math.sqrt(num / den);
    t.log(`n ${f.dim}, ‖Hv‖ ${Math.sqrt(den).toPrecision(3)}, relative error ${err.toExponential(2)}`);
    t.true(err < TOL, `relative error ${err}`);
  });
}
