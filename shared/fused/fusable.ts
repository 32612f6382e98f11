import type { OptimizeTask } from '../study/task.js';

/** What decides whether a configuration's seed blocks run fused: the body, not the seeds. */
type Body = Pick<OptimizeTask, 'kind' | 'problem' | 'optimizer' | 'record'>;

/**
 * A block runs fused (torus-newton.ts) when nothing in it needs more than the fused loop does:
 * dense exact Newton on the torus, no history, the dense 2×2 spectrum.
 */
export function fusesTorusNewton(body: Body): boolean {
  const o = body.optimizer;
  return (
    body.kind === 'optimize' &&
    body.problem.kind === 'torus' &&
    o.kind === 'newton' &&
    o.solver !== 'krylov' &&
    body.record.historyStride === 0 &&
    body.record.spectrumMethod !== 'lanczos'
  );
}
