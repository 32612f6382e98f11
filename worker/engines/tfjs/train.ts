import type * as tf from '@tensorflow/tfjs';
import type { ParamLayout } from '../../../shared/nets/layout.js';
import {
  blowUp,
  divergedMessage,
  type RunStatus,
  type StopRule,
  stopBefore,
} from '../../../shared/optimizers/minimize.js';
import type { TfModule } from './backend.js';
import { disposeBatch, losses, type NetworkBatch, selectSeeds } from './network-model.js';

/** The first-order rules the tfjs engine runs, with the parameters of shared/optimizers/mod.ts. */
export type FirstOrderRule =
  | {
      readonly kind: 'adam';
      readonly lr: number;
      readonly beta1: number;
      readonly beta2: number;
      readonly eps: number;
    }
  | { readonly kind: 'gd'; readonly step: number };

/** How one seed's run ended: as shared/optimizers/minimize.ts would report it. */
export interface SeedOutcome {
  readonly status: RunStatus;
  readonly message: string;
  readonly iterations: number;
  /** The last finite iterate (float32), flat in θ order. */
  readonly x: Float32Array;
}

/** Sees every `stride`-th iterate of every seed still running (k = 0 is the initial point). */
export interface BatchObserver {
  readonly stride: number;
  observe(seed: number, k: number, x: Float32Array, stepNorm: number): void;
}

/** Parameter tensors of the seeds in the batch, one per block of θ, with a leading seed axis. */
interface State {
  readonly x: tf.Tensor[];
  /** ADAM's moments (shape of x; empty for gd) and step count. */
  readonly m: tf.Tensor[];
  readonly v: tf.Tensor[];
  readonly t: number;
  readonly grads: tf.Tensor[];
  /** Per seed [loss, ‖g‖², Σ|x|, max|x|, ‖step‖] (float32, downloaded once per step). */
  readonly stats: Float32Array;
}
const STATS = 5;

/** Block shapes of θ = [W₁, b₁, …, W_L, b_L, c] from the layout (shared/nets/layout.ts). */
export function blockShapes(layout: ParamLayout): number[][] {
  const shapes: number[][] = [];
  let fin = layout.inputs;
  for (const w of layout.widths) {
    shapes.push([w, fin], [w]);
    fin = w;
  }
  shapes.push([fin]);
  return shapes;
}

/**
 * The blow-up test of shared/optimizers/minimize.ts on one seed's stats. Finiteness of g and x is
 * read from ‖g‖² and Σ|x|, which are NaN or ∞ if any entry is (they can also overflow float32 for
 * |entries| ≳ 1e19, far past any `blowup` limit in practice).
 */
function blownUp(st: Float32Array, i: number, limit: number): string | null {
  const [value, g2, xSum, xMax] = st.subarray(i * STATS, i * STATS + 4);
  return blowUp(value, Number.isFinite(g2) && Number.isFinite(xSum), xMax, limit);
}

/**
 * Trains S seeds at once (one tensor program: weights [S, …], batched matmuls) with ADAM or
 * fixed-step gradient descent, under the stop rule of shared/optimizers/minimize.ts applied to each
 * seed on its own: ‖g‖ < gradTol before a step ⇒ converged; maxIter steps ⇒ max_iter; a step to a
 * non-finite or blown-up point ⇒ diverged, keeping the point before it. A seed that stops leaves the
 * batch (its rows are gathered out), so the others run on unchanged: the outcome of a seed does not
 * depend on the batch it ran in. The decisions are taken on float32 values.
 */
export function trainBatch(
  tf: TfModule,
  net: NetworkBatch,
  shapes: readonly number[][],
  x0: readonly Float32Array[],
  rule: FirstOrderRule,
  stop: StopRule,
  observer?: BatchObserver,
): SeedOutcome[] {
  const S = x0.length;
  const outcomes: SeedOutcome[] = new Array(S);
  /** Batch row → seed index. */
  let seeds = x0.map((_, i) => i);
  /** The problem data of the seeds still in the batch (the caller's `net` until one leaves). */
  let data = net;
  const sizes = shapes.map((s) => s.reduce((p, q) => p * q, 1));

  const evaluate = (
    x: tf.Tensor[],
    stepNorm: tf.Tensor | null,
  ): { grads: tf.Tensor[]; stats: Float32Array } => {
    let perSeed: tf.Tensor | null = null;
    const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) => {
      perSeed = tf.keep(losses(tf, data, p));
      // The sum over seeds: its gradient is every seed's own gradient (seeds share no parameter).
      return tf.sum(perSeed) as tf.Scalar;
    })(x);
    value.dispose();
    const stats = tf.tidy(() => {
      const n = x[0].shape[0];
      const rows = (ts: tf.Tensor[], f: (t: tf.Tensor) => tf.Tensor, reduce: 'sum' | 'max') =>
        ts.map((t) => (reduce === 'sum' ? tf.sum : tf.max)(f(tf.reshape(t, [n, -1])), 1));
      const g2 = tf.addN(rows(grads, tf.square, 'sum'));
      const xSum = tf.addN(rows(x, tf.abs, 'sum'));
      const xMax = tf.max(tf.stack(rows(x, tf.abs, 'max'), 1), 1);
      const step = stepNorm ?? tf.zeros([n]);
      return tf.stack([perSeed!, g2, xSum, xMax, step], 1).dataSync() as Float32Array;
    });
    (perSeed as tf.Tensor | null)?.dispose();
    return { grads, stats };
  };

  const init = (): State => {
    const x = shapes.map((shape, b) => {
      const off = sizes.slice(0, b).reduce((p, q) => p + q, 0);
      const data = new Float32Array(S * sizes[b]);
      x0.forEach((theta, s) => {
        data.set(theta.subarray(off, off + sizes[b]), s * sizes[b]);
      });
      return tf.tensor(data, [S, ...shape]);
    });
    const zeros = () => x.map((t) => tf.zerosLike(t));
    const { grads, stats } = evaluate(x, null);
    return {
      x,
      m: rule.kind === 'adam' ? zeros() : [],
      v: rule.kind === 'adam' ? zeros() : [],
      t: 0,
      grads,
      stats,
    };
  };

  const step = (s: State): State => {
    const t = s.t + 1;
    const next = tf.tidy(() => {
      if (rule.kind === 'gd') {
        const x = s.x.map((xb, b) => tf.sub(xb, tf.mul(s.grads[b], rule.step)));
        const g2 = Float32Array.from(seeds, (_, i) => s.stats[i * STATS + 1]);
        return { x, m: [], v: [], stepNorm: tf.mul(tf.sqrt(tf.tensor1d(g2)), rule.step) };
      }
      const c1 = 1 - rule.beta1 ** t;
      const c2 = 1 - rule.beta2 ** t;
      const m = s.grads.map((g, b) => tf.add(tf.mul(s.m[b], rule.beta1), tf.mul(g, 1 - rule.beta1)));
      const v = s.grads.map((g, b) =>
        tf.add(tf.mul(s.v[b], rule.beta2), tf.mul(tf.square(g), 1 - rule.beta2)),
      );
      // ε > 0 keeps the divisor positive where the second moment is zero (as in first-order.ts).
      const d = m.map((mb, b) =>
        tf.div(tf.mul(tf.div(mb, c1), rule.lr), tf.add(tf.sqrt(tf.div(v[b], c2)), rule.eps)),
      );
      const x = s.x.map((xb, b) => tf.sub(xb, d[b]));
      const n = seeds.length;
      const stepNorm = tf.sqrt(tf.addN(d.map((db) => tf.sum(tf.square(tf.reshape(db, [n, -1])), 1))));
      return { x, m, v, stepNorm };
    });
    const { grads, stats } = evaluate(next.x, next.stepNorm);
    next.stepNorm.dispose();
    return { x: next.x, m: next.m, v: next.v, t, grads, stats };
  };

  /** θ of the batch rows `rows`, flat, one Float32Array per row. */
  const download = (s: State, rows: readonly number[]): Float32Array[] => {
    if (rows.length === 0) return [];
    const flat = tf.tidy(() => {
      const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
      return tf
        .concat(
          s.x.map((xb) => tf.reshape(tf.gather(xb, idx), [rows.length, -1])),
          1,
        )
        .dataSync() as Float32Array;
    });
    const dim = flat.length / rows.length;
    return rows.map((_, j) => flat.slice(j * dim, (j + 1) * dim));
  };

  const dispose = (s: State) => tf.dispose([...s.x, ...s.m, ...s.v, ...s.grads]);

  /** Keeps the batch rows `rows` of s (in order), disposing s. */
  const select = (s: State, rows: readonly number[]): State => {
    if (rows.length === seeds.length) return s;
    const kept = tf.tidy(() => {
      const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
      const g = (ts: tf.Tensor[]) => ts.map((t) => tf.gather(t, idx));
      return { x: g(s.x), m: g(s.m), v: g(s.v), grads: g(s.grads) };
    });
    const stats = new Float32Array(rows.length * STATS);
    rows.forEach((r, j) => {
      stats.set(s.stats.subarray(r * STATS, (r + 1) * STATS), j * STATS);
    });
    dispose(s);
    const before = data;
    data = selectSeeds(tf, before, rows);
    if (before !== net) disposeBatch(before);
    return { ...kept, t: s.t, stats };
  };

  /** Records the outcomes of the batch rows in `ended` (taken at state s) and drops them. */
  const end = (s: State, ended: Map<number, Omit<SeedOutcome, 'x'>>, keepFrom: State): State => {
    if (ended.size === 0) return keepFrom;
    const rows = [...ended.keys()];
    download(s, rows).forEach((x, j) => {
      outcomes[seeds[rows[j]]] = { ...ended.get(rows[j])!, x };
    });
    const alive = seeds.map((_, i) => i).filter((i) => !ended.has(i));
    const next = select(keepFrom, alive);
    seeds = alive.map((i) => seeds[i]);
    return next;
  };

  let state = init();
  const atStart = new Map<number, Omit<SeedOutcome, 'x'>>();
  seeds.forEach((_, i) => {
    const why = blownUp(state.stats, i, stop.blowup);
    if (why) atStart.set(i, { status: 'diverged', message: divergedMessage(0, why), iterations: 0 });
  });
  state = end(state, atStart, state);
  for (let k = 0; seeds.length > 0; k++) {
    if (observer && k % observer.stride === 0) {
      const xs = download(
        state,
        seeds.map((_, i) => i),
      );
      seeds.forEach((seed, i) => {
        observer.observe(seed, k, xs[i], state.stats[i * STATS + 4]);
      });
    }
    const stopped = new Map<number, Omit<SeedOutcome, 'x'>>();
    seeds.forEach((_, i) => {
      const done = stopBefore(k, Math.sqrt(state.stats[i * STATS + 1]), stop);
      if (done) stopped.set(i, { status: done, message: '', iterations: k });
    });
    state = end(state, stopped, state);
    if (seeds.length === 0) break;
    const next = step(state);
    const diverged = new Map<number, Omit<SeedOutcome, 'x'>>();
    seeds.forEach((_, i) => {
      const why = blownUp(next.stats, i, stop.blowup);
      if (why)
        diverged.set(i, { status: 'diverged', message: divergedMessage(k + 1, why), iterations: k + 1 });
    });
    // A diverged seed keeps the point before the step: read it from the old state.
    const rest = end(state, diverged, next);
    dispose(state);
    state = rest;
  }
  dispose(state);
  if (data !== net) disposeBatch(data);
  return outcomes;
}
