/**
 * An independent check of the network objectives (mlp-regression, pinn-1d, pinn-2d): value and
 * gradient against @tensorflow/tfjs reverse-mode autodiff (CPU backend, float32) on the same θ.
 *
 * Nothing of shared/nets is reused on the tfjs side: the parameter blocks are sliced out of θ by
 * a layout recomputed from the spec (test/helpers/tfjs-nets.ts); the model is the tfjs engine's
 * (worker/engines/tfjs/network-model.ts), in which the network, Fourier embedding and boundary
 * factor are tf ops and u″ / Δu come from nested tf.grad with respect to the input coordinates
 * (no jets, no α weights). The loss is then differentiated w.r.t. all parameter tensors with
 * tf.valueAndGrads — three nested reverse passes for the PINNs. So this also checks the engine.
 *
 * tfjs caveat (tensorflow/tfjs#3252, still open in 4.22): the gradient of an op that saves its
 * *output* for the backward pass (Tanh, Exp, Sigmoid, Pow, …) cannot itself be differentiated.
 * The engine clones the saved output before the op's own tape node is pushed, so the clone's
 * node precedes the op on the tape and the x → y filter drops it ("Cannot compute gradient of
 * y=f(x) with respect to x"). Ops that save their *inputs* (Sin, Cos, Sinh, Cosh, Mul, Div,
 * MatMul, …) nest to any order. So where gradients nest (the PINNs) the model writes tanh as
 * sinh(z) / cosh(z) — the same function, differentiated by tfjs's own Sinh / Cosh / RealDiv
 * gradients (float32 cosh overflows only for |z| > 89, far beyond these nets' pre-activations);
 * the regression uses tf.tanh; sin(ωz) is tf.sin directly.
 */
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import { losses, networkBatchOf } from '../../worker/engines/tfjs/network-model.js';
import { relativeError } from '../helpers/derivatives.js';
import type { NetCase, NetKind, Setup } from '../helpers/tfjs-nets.js';
import { blocksOf, caseName, networkFields, perturbedSetup, tfjsCpu } from '../helpers/tfjs-nets.js';

/**
 * Tolerances, honest for float32 (ε ≈ 6e-8; the observed errors are ~1e-7 … 1e-5) yet far below
 * what a wrong sign, a missing term or a misplaced parameter block produces (gradient errors
 * 7e-2 … 2, see the 'teeth' tests). Gradient error: ‖g − g_tf‖∞ / max(1, ‖g_tf‖∞), also per
 * parameter block against the block's own scale; value error: |L − L_tf| / |L_tf|.
 */
const GRAD_TOL = 2e-3;
const VALUE_TOL = 1e-4;

/** A deliberate bug in the tfjs reference, to show the comparison can fail. */
type Mutation =
  | 'none'
  /** b₁ read from (and its gradient written to) c's slot and vice versa (both w long). */
  | 'swap-b1-c'
  /** W₂ read column-major (w × w, so only the order differs). */
  | 'transpose-W2'
  /** +u″ (+Δu) instead of −u″ (−Δu); for regression u + f instead of u − f. */
  | 'flip-operator-sign'
  /** pinn-2d without the reaction term κu. */
  | 'drop-kappa';

function specOf(c: NetCase): Record<string, unknown> {
  const s: Record<string, unknown> = { ...networkFields(c), init: c.init ?? 'xavier-normal' };
  if (c.kind === 'mlp-regression') s.points = 14;
  if (c.kind === 'pinn-1d') s.points = 12;
  if (c.kind === 'pinn-2d') Object.assign(s, { grid: c.depth === 1 ? 4 : 3, kappa: 1.5 });
  return s;
}

/** A case's problem (specOf) and a perturbed θ. */
const setup = (c: NetCase): Setup => perturbedSetup(specOf(c), caseName(c), 'tfjs');

interface Reference {
  readonly value: number;
  readonly gradient: Float64Array;
}

/**
 * L and ∇_θ L by tfjs autodiff of the tfjs engine's model (worker/engines/tfjs/network-model.ts)
 * on a batch of one, from the spec, θ, the problem's points, target and B. A mutation is a change
 * of what the model is given: a block loaded from another block's slot, W₂ loaded transposed, the
 * target's and κ's signs flipped (the loss of −𝓛u + f, the same as that of +𝓛u − f), κ dropped.
 */
function tfReference(s: Setup, mutation: Mutation = 'none'): Reference {
  const { spec, f, theta } = s;
  const kind = spec.kind as NetKind;
  const d = kind === 'pinn-2d' ? 2 : 1;
  const { blocks, dim } = blocksOf(spec, d);
  if (dim !== theta.length) throw new Error(`layout dim ${dim} ≠ θ length ${theta.length}`);
  const depth = spec.depth as number;
  const slot = blocks.map((_, i) => i);
  if (mutation === 'swap-b1-c') [slot[1], slot[2 * depth]] = [slot[2 * depth], slot[1]];
  /** Block i's values as loaded (W₂ transposed under 'transpose-W2'); the map is its own inverse. */
  const load = (i: number, v: ArrayLike<number>): Float32Array => {
    if (mutation !== 'transpose-W2' || i !== 2) return Float32Array.from(v);
    const [w] = blocks[i].shape;
    return Float32Array.from({ length: w * w }, (_, q) => v[(q % w) * w + Math.floor(q / w)]);
  };

  let value = Number.NaN;
  const gradient = new Float64Array(dim);
  tf.tidy(() => {
    const base = networkBatchOf(tf, spec as { kind: string }, [f]);
    const net =
      mutation === 'flip-operator-sign'
        ? { ...base, target: tf.neg(base.target), kappa: -base.kappa }
        : mutation === 'drop-kappa'
          ? { ...base, kappa: 0 }
          : base;
    const params = blocks.map((b, i) => {
      const src = blocks[slot[i]];
      const size = b.shape.reduce((p, q) => p * q, 1);
      return tf.tensor(load(i, theta.subarray(src.off, src.off + size)), [1, ...b.shape]);
    });
    const out = tf.valueAndGrads((...p: tf.Tensor[]) => tf.sum(losses(tf, net, p)) as tf.Scalar)(params);
    value = out.value.dataSync()[0];
    out.grads.forEach((g, i) => {
      gradient.set(load(i, g.dataSync()), blocks[slot[i]].off);
    });
  });
  return { value, gradient };
}

/** max |g − ref| / max(1, ‖ref‖∞). */
const gradError = (g: Float64Array, ref: Float64Array) => relativeError(ref, g);

/** The same error per parameter block (W_l, b_l, c), each against its own scale; the worst. */
function blockError(s: Setup, g: Float64Array, ref: Float64Array): number {
  const d = s.spec.kind === 'pinn-2d' ? 2 : 1;
  const { blocks } = blocksOf(s.spec, d);
  let worst = 0;
  for (const b of blocks) {
    const end = b.off + b.shape.reduce((p, q) => p * q, 1);
    worst = Math.max(worst, gradError(g.subarray(b.off, end), ref.subarray(b.off, end)));
  }
  return worst;
}

function valueError(v: number, ref: number): number {
  return Math.abs(v - ref) / Math.max(Math.abs(ref), 1e-30);
}

test.before(tfjsCpu);

test.serial('tanh as sinh/cosh: same values and first derivative as tf.tanh, and nests', (t) => {
  tf.tidy(() => {
    const z = tf.linspace(-3, 3, 13);
    const mine = (x: tf.Tensor) => tf.div(tf.sinh(x), tf.cosh(x));
    const diff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const ev = diff(mine(z), tf.tanh(z));
    const ed = diff(tf.grad(mine)(z), tf.grad((x: tf.Tensor) => tf.tanh(x))(z));
    // σ″ = −2 tanh · (1 − tanh²), checked against the nested tfjs gradient of the sinh/cosh form.
    const t0 = tf.tanh(z);
    const s2 = tf.mul(tf.mul(t0, -2), tf.sub(1, tf.square(t0)));
    const e2 = diff(tf.grad((x: tf.Tensor) => tf.sum(tf.grad(mine)(x)))(z), s2);
    let nested = 'works';
    try {
      tf.grad((x: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.tanh(y))(x)))(z);
    } catch (err) {
      nested = `throws (${(err as Error).message.slice(0, 48)}…)`;
    }
    t.log(
      `value ${ev.toExponential(2)}, σ′ ${ed.toExponential(2)}, σ″ ${e2.toExponential(2)}; ` +
        `nested tf.tanh ${nested}`,
    );
    t.true(ev < 1e-6 && ed < 1e-6 && e2 < 1e-5);
  });
});

const CASES: NetCase[] = [];
for (const kind of ['mlp-regression', 'pinn-1d', 'pinn-2d'] as const)
  for (const activation of ['tanh', 'sin'] as const)
    for (const fourierFeatures of [0, kind === 'pinn-2d' ? 2 : 3])
      for (const depth of [1, 2]) {
        const width = 3 + ((depth + fourierFeatures + (activation === 'sin' ? 1 : 0)) % 3);
        CASES.push({
          kind,
          activation,
          omega: activation === 'sin' ? (depth === 1 ? 1.5 : 2) : undefined,
          depth,
          width,
          fourierFeatures: fourierFeatures || undefined,
        });
      }
CASES.push(
  { kind: 'mlp-regression', activation: 'tanh', depth: 3, width: 3 },
  { kind: 'pinn-1d', activation: 'sin', omega: 2, depth: 3, width: 3, init: 'siren' },
  { kind: 'pinn-2d', activation: 'tanh', depth: 3, width: 3, fourierFeatures: 2 },
);

const worst = { value: 0, grad: 0, block: 0 };

for (const c of CASES) {
  test.serial(`${caseName(c)}: value and gradient match tfjs autodiff`, (t) => {
    const s = setup(c);
    const before = tf.memory().numTensors;
    const ref = tfReference(s);
    t.is(tf.memory().numTensors, before, 'tfjs tensors all disposed');
    const e = s.f.evaluate(s.theta);
    const ve = valueError(e.value, ref.value);
    const ve2 = valueError(s.f.value(s.theta), ref.value);
    const ge = gradError(e.gradient, ref.gradient);
    const be = blockError(s, e.gradient, ref.gradient);
    worst.value = Math.max(worst.value, ve, ve2);
    worst.grad = Math.max(worst.grad, ge);
    worst.block = Math.max(worst.block, be);
    t.log(
      `dim ${s.theta.length}, L = ${ref.value.toPrecision(6)}, value err ${ve.toExponential(2)}, ` +
        `grad err ${ge.toExponential(2)}, per-block ${be.toExponential(2)} ` +
        `(‖g‖∞ ${Math.max(...ref.gradient.map(Math.abs)).toPrecision(3)})`,
    );
    t.true(ve < VALUE_TOL, `evaluate value error ${ve}`);
    t.true(ve2 < VALUE_TOL, `value() error ${ve2}`);
    t.true(ge < GRAD_TOL, `gradient error ${ge}`);
    t.true(be < GRAD_TOL, `per-block gradient error ${be}`);
  });
}

test.serial('worst errors over all cases', (t) => {
  t.log(
    `max value err ${worst.value.toExponential(2)}, max grad err ${worst.grad.toExponential(2)}, ` +
      `max per-block grad err ${worst.block.toExponential(2)}`,
  );
  t.pass();
});

// The reference above takes the points and the target from the problem; check those against the
// documented formulas (default k = 1; regression target sin(2πx) on [−1, 1]) so that they are not
// taken on trust either.
test.serial('points and targets are the documented ones', (t) => {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  const pi = Math.PI;
  const reg = setup({ kind: 'mlp-regression', activation: 'tanh', depth: 1, width: 3 }).f.def;
  const N = reg.points.length;
  t.true(reg.points.every((x, i) => close(x, -1 + (2 * i) / (N - 1))));
  t.true(reg.target.every((v, i) => close(v, Math.sin(2 * pi * reg.points[i]))));
  const p1 = setup({ kind: 'pinn-1d', activation: 'sin', omega: 2, depth: 1, width: 3 }).f.def;
  const M = p1.points.length;
  t.true(p1.points.every((x, i) => close(x, (i + 1) / (M + 1))));
  t.true(p1.target.every((v, i) => close(v, pi * pi * Math.sin(pi * p1.points[i]))));
  const p2 = setup({ kind: 'pinn-2d', activation: 'sin', omega: 2, depth: 1, width: 3 }).f.def;
  const n = 4; // grid of specOf for depth 1
  t.is(p2.points.length, 2 * n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const q = i * n + j;
      const x = (i + 1) / (n + 1);
      const y = (j + 1) / (n + 1);
      t.true(close(p2.points[2 * q], x) && close(p2.points[2 * q + 1], y));
      t.true(close(p2.target[q], (2 * pi * pi + 1.5) * Math.sin(pi * x) * Math.sin(pi * y)));
    }
});

// The check has teeth: a reference with a misplaced parameter block or a wrong operator term
// disagrees with the objective far beyond the tolerances above.
const TEETH: Array<[Mutation, NetCase]> = [
  ['swap-b1-c', { kind: 'mlp-regression', activation: 'tanh', depth: 2, width: 4 }],
  ['swap-b1-c', { kind: 'pinn-2d', activation: 'sin', omega: 2, depth: 1, width: 4 }],
  ['transpose-W2', { kind: 'pinn-1d', activation: 'tanh', depth: 2, width: 4 }],
  ['flip-operator-sign', { kind: 'mlp-regression', activation: 'sin', omega: 2, depth: 1, width: 4 }],
  ['flip-operator-sign', { kind: 'pinn-1d', activation: 'sin', omega: 2, depth: 2, width: 3 }],
  ['flip-operator-sign', { kind: 'pinn-2d', activation: 'tanh', depth: 2, width: 3 }],
  ['drop-kappa', { kind: 'pinn-2d', activation: 'tanh', depth: 1, width: 4, fourierFeatures: 2 }],
];

for (const [mutation, c] of TEETH) {
  test.serial(`teeth: a '${mutation}' reference is caught (${caseName(c)})`, (t) => {
    const s = setup(c);
    const e = s.f.evaluate(s.theta);
    const good = tfReference(s);
    t.true(gradError(e.gradient, good.gradient) < GRAD_TOL, 'the correct reference agrees');
    const bad = tfReference(s, mutation);
    const ve = valueError(e.value, bad.value);
    const ge = gradError(e.gradient, bad.gradient);
    t.log(`mutated reference: value err ${ve.toExponential(2)}, grad err ${ge.toExponential(2)}`);
    t.true(ge > 10 * GRAD_TOL, `gradient comparison fails (${ge})`);
    t.false(ve < VALUE_TOL && ge < GRAD_TOL, 'the case check would fail');
  });
}
