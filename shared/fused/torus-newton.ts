import { classifyHessian2 } from '../analysis/classify.js';
import { solveLdlt2 } from '../linalg/ldlt2.js';
import { blowUp, divergedMessage, type RunStatus, stopBefore } from '../optimizers/minimize.js';
import { SINGULAR_NEWTON } from '../optimizers/types.js';
import { type Torus, torusTerms } from '../problems/torus.js';
import { Stream } from '../rng/stream.js';
import { buildObjective, initStates, runTask } from '../run-task.js';
import { blockIdsInto, type SeedBlock, taskAtSeed } from '../study/block.js';
import { TASK_ID_CHARS } from '../study/task-id.js';
import { BatchColumns } from '../tables/batch-columns.js';
import { STORED_RUN_COLUMNS } from '../tables/stored-columns.js';
import { fusesTorusNewton } from './fusable.js';

/**
 * Exact Newton on the torus for a whole seed block, its rows written straight into columns: the
 * same loop as minimize ∘ newton ∘ runTask (the stop rule, blow-up test and messages are theirs,
 * imported), on scalars instead of per-iterate state objects, and with the 2×2 solve of
 * linalg/ldlt2.ts. The bits of every reproducible cell are those of runTask
 * (test/worker/fused-torus-newton.test.ts compares 10⁵ seeds and every status). A tiny run had
 * spent most of its time allocating (states, factorizations, a row object): a seed block's rows
 * and their IPC bytes cost about half of what runTask's rows did (npm run bench tiny prints the
 * rate of whole studies).
 */

/**
 * The block's runs as one record batch's columns (STORED_RUN_COLUMNS), filled in place. `worker`
 * is the thread's name (host#thread).
 */
export function torusNewtonBatch(block: SeedBlock, worker: string): BatchColumns {
  if (!fusesTorusNewton(block.body))
    throw new Error('torusNewtonBatch: not a dense Newton block on the torus');
  const seeds = block.seeds;
  const n = seeds.length;
  const out = new BatchColumns(STORED_RUN_COLUMNS, n, {
    fixedWidth: { task_id: TASK_ID_CHARS },
    lists: ['initial_params', 'final_params'],
  });
  if (n === 0) return out;
  const { stop, record, studySeed, problem } = block.body;
  const opt = block.body.optimizer as { alpha: number; lambda: number };
  const { alpha, lambda } = opt;
  // The torus draws nothing from its problem stream: one objective serves every seed.
  const f = buildObjective(taskAtSeed(block, seeds[0])) as Torus;
  // Each seed's id, its digits written straight into the column, and each seed's init stream
  // state: hashed four at a time (PrefixHash.seedsHexInto4).
  blockIdsInto(block, out.fixedText('task_id').bytes);
  const inits = initStates(studySeed, problem, seeds);
  const { R, r, e } = f;
  const identify = f.identifier();
  const t = new Float64Array(6);
  const d = new Float64Array(2);
  const fixed = { config: block.config, study: block.study, problem: 'torus', optimizer: 'newton', worker };
  for (const [name, v] of Object.entries(fixed)) out.refs(name).fill(v);
  const seed = out.numbers('seed');
  const statusOf = out.refs('status');
  const messageOf = out.refs('message');
  const iterations = out.numbers('iterations');
  const loss = out.numbers('loss');
  const gradNorm = out.numbers('grad_norm');
  const pointClass = out.refs('point_class');
  const nPositive = out.numbers('n_positive');
  const nNegative = out.numbers('n_negative');
  const nZero = out.numbers('n_zero');
  const eigMin = out.numbers('eig_min');
  const eigMax = out.numbers('eig_max');
  const conditionNumber = out.numbers('condition_number');
  const countsEstimated = out.bools('counts_estimated');
  const eigenvalues = out.refs('eigenvalues');
  const stationaryPoint = out.refs('stationary_point');
  const initialParams = out.lists('initial_params');
  const finalParams = out.lists('final_params');
  const x = new Float64Array(2);
  const wallMs = out.numbers('wall_ms');
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const s = seeds[i];
    seed.set(i, s);
    const x0 = f.initial(Stream.ofState(inits, 4 * i), s);
    // The state: x, L, ∇L, H (symmetric, h12 = h21).
    let x1 = x0[0];
    let x2 = x0[1];
    torusTerms(R, r, e, x1, x2, true, t);
    let value = t[0];
    let g1 = t[1];
    let g2 = t[2];
    let h11 = t[3];
    let h12 = t[4];
    let h22 = t[5];
    let status: RunStatus;
    let message = '';
    let k = 0;
    const bad = blownUp(value, g1, g2, x1, x2, stop.blowup);
    if (bad) {
      status = 'diverged';
      message = divergedMessage(0, bad);
    } else
      for (; ; k++) {
        const done = stopBefore(k, Math.sqrt(g1 * g1 + g2 * g2), stop);
        if (done) {
          status = done;
          break;
        }
        // d = (H + λI)⁻¹ g as curvature.ts's damped(λ) solves it.
        if (!solveLdlt2(h11 + lambda, h12, h22 + lambda, g1, g2, d)) {
          status = 'error';
          message = `step ${k + 1}: ${SINGULAR_NEWTON}`;
          break;
        }
        const y1 = x1 - alpha * d[0];
        const y2 = x2 - alpha * d[1];
        torusTerms(R, r, e, y1, y2, true, t);
        const why = blownUp(t[0], t[1], t[2], y1, y2, stop.blowup);
        if (why) {
          status = 'diverged';
          message = divergedMessage(k + 1, why);
          k++;
          break;
        }
        x1 = y1;
        x2 = y2;
        value = t[0];
        g1 = t[1];
        g2 = t[2];
        h11 = t[3];
        h12 = t[4];
        h22 = t[5];
      }
    try {
      // finalColumns of run-task.ts for a torus: no network diagnostics, a dense 2×2 spectrum.
      x[0] = x1;
      x[1] = x2;
      statusOf[i] = status;
      messageOf[i] = message;
      iterations.set(i, k);
      loss.set(i, value);
      gradNorm.set(i, Math.sqrt(g1 * g1 + g2 * g2));
      if (record.spectrum) {
        const sp = classifyHessian2(h11, h12, h22, record.zeroTol);
        pointClass[i] = sp.pointClass;
        nPositive.set(i, sp.positive);
        nNegative.set(i, sp.negative);
        nZero.set(i, sp.zero);
        eigMin.set(i, sp.eigMin);
        eigMax.set(i, sp.eigMax);
        conditionNumber.set(i, sp.conditionNumber);
        countsEstimated.set(i, false);
        if (record.eigenvalues) eigenvalues[i] = sp.eigenvalues;
      }
      stationaryPoint[i] = identify(x1, x2);
      if (record.finalParams) {
        const canonical = f.canonical(x);
        initialParams.set2(i, x0[0], x0[1]);
        finalParams.set2(i, canonical[0], canonical[1]);
      }
    } catch {
      // runTask turns a throw of the final columns into an error row: let it write this one.
      const row = runTask(taskAtSeed(block, s), { worker, lean: true }).row;
      out.setRow(i, row as unknown as Record<string, unknown>);
    }
    wallMs.set(i, performance.now() - t0);
  }
  return out;
}

/** minimize's blow-up test (its blownUp) on a two-angle state. */
function blownUp(
  value: number,
  g1: number,
  g2: number,
  x1: number,
  x2: number,
  limit: number,
): string | null {
  const finite = Number.isFinite(g1) && Number.isFinite(g2) && Number.isFinite(x1) && Number.isFinite(x2);
  return blowUp(value, finite, Math.max(Math.max(0, Math.abs(x1)), Math.abs(x2)), limit);
}
