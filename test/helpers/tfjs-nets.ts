/**
 * The tfjs side of the independent checks of the network objectives (test/shared/nets-tfjs*.ts):
 * the parameter layout recomputed from the spec alone (nothing of shared/nets), the test cases'
 * names and perturbed starting points, and the CPU backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkObjective } from '../../shared/problems/network.js';
import { Stream } from '../../shared/rng/stream.js';
import { problemKind } from '../../shared/study/problem-spec.js';

/** tfjs on its CPU backend, for a `test.before`. */
export async function tfjsCpu(): Promise<void> {
  tf.enableProdMode(); // silences the "install tfjs-node" banner; no effect on the math
  await tf.setBackend('cpu');
  await tf.ready();
}

export type NetKind = 'mlp-regression' | 'pinn-1d' | 'pinn-2d';

/** A network of a test case: kind, activation, depth, width and the optional features. */
export interface NetCase {
  readonly kind: NetKind;
  readonly activation: 'tanh' | 'sin';
  readonly omega?: number;
  readonly depth: number;
  readonly width: number;
  readonly fourierFeatures?: number;
  readonly init?: 'xavier-normal' | 'xavier-uniform' | 'siren';
}

export function caseName(c: NetCase): string {
  const act = c.activation === 'sin' ? `sin(${c.omega}z)` : 'tanh';
  const ff = c.fourierFeatures ? `, ${c.fourierFeatures} Fourier features` : '';
  const init = c.init ? `, ${c.init}` : '';
  return `${c.kind}: ${act}, depth ${c.depth}, width ${c.width}${ff}${init}`;
}

/** The spec fields of a case every check sets (omega 1 and no Fourier features by default). */
export const networkFields = (c: NetCase): Record<string, unknown> => ({
  kind: c.kind,
  width: c.width,
  depth: c.depth,
  activation: c.activation,
  omega: c.omega ?? 1,
  fourierFeatures: c.fourierFeatures ?? 0,
  fourierSigma: 1,
});

export interface Setup {
  readonly spec: Record<string, unknown>;
  readonly f: NetworkObjective;
  readonly theta: Float64Array;
}

/**
 * The problem of the spec `raw` (parsed) and its initial θ, perturbed in every entry (Xavier biases
 * are zero), from the streams `${prefix}-problem`, `${prefix}-init` and `${prefix}-perturb` of `name`.
 */
export function perturbedSetup(raw: Record<string, unknown>, name: string, prefix: string): Setup {
  const k = problemKind(raw.kind as string);
  const spec = k.schema.parse(raw) as Record<string, unknown>;
  const f = k.create(spec, new Stream(`${prefix}-problem`, name)) as NetworkObjective;
  const theta = f.initial(new Stream(`${prefix}-init`, name));
  const rng = new Stream(`${prefix}-perturb`, name);
  for (let i = 0; i < theta.length; i++) theta[i] += 0.15 * rng.normal();
  return { spec, f, theta };
}

export interface Block {
  readonly off: number;
  readonly shape: number[];
}

/** θ = [W₁ (w × d₀ row-major), b₁, …, W_L, b_L, c]: offsets and shapes from the spec alone. */
export function blocksOf(spec: Record<string, unknown>, d: number): { blocks: Block[]; dim: number } {
  const m = spec.fourierFeatures as number;
  const width = spec.width as number;
  const blocks: Block[] = [];
  let off = 0;
  let fin = m > 0 ? 2 * m : d;
  for (let l = 0; l < (spec.depth as number); l++) {
    blocks.push({ off, shape: [width, fin] }, { off: off + width * fin, shape: [width] });
    off += width * fin + width;
    fin = width;
  }
  blocks.push({ off, shape: [width] });
  return { blocks, dim: off + width };
}

/** The blocks sliced out of the flat θ tensor, each with a batch dimension of one. */
export const blockTensors = (th: tf.Tensor, blocks: readonly Block[]): tf.Tensor[] =>
  blocks.map((b) => tf.reshape(tf.slice(th, [b.off], [b.shape.reduce((q, r) => q * r, 1)]), [1, ...b.shape]));
