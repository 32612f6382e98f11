import { z } from 'zod';

/**
 * The linear-algebra fields of the second-order optimizers' specs (README, "Optimizers"). All are
 * optional without defaults, so a spec that does not name them keeps its task ids (as `engine`,
 * shared/study/engine.ts); the defaults live in krylov.ts.
 */
export const Solver = z.enum(['dense', 'krylov']);

const solver = Solver.optional();
const maxKrylov = z.number().int().min(1).max(1_000_000).optional();

export const KRYLOV_NEWTON_FIELDS = {
  /** dense: LDLᵀ of H + λI; krylov: MINRES on (H + λI) d = g. */
  solver,
  /** krylov: stop MINRES at ‖(H + λI)d − g‖ ≤ rtol‖g‖ (absent: 1e-10, iterates match dense). */
  rtol: z.number().positive().lt(1).optional(),
  /** krylov: cap on MINRES iterations a step (absent: min(10n, 10000)). */
  maxKrylov,
  /** krylov: inexact Newton, the tolerance of each step from Eisenstat–Walker's choice 2 (rtol its floor). */
  forcing: z.enum(['eisenstat-walker']).optional(),
};

export const KRYLOV_SFN_FIELDS = {
  /** dense: |H| by a full eigendecomposition; krylov: |H| in a Lanczos subspace (Dauphin et al. 2014). */
  solver,
  /** krylov: Lanczos steps a step (the subspace dimension; absent: min(n, 100)). */
  maxKrylov,
};

/** The Krylov-only fields are an error unless `solver: krylov`: a dense run would ignore them. */
export function krylovFieldIssues(o: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (o.solver === 'krylov') return;
  for (const field of ['rtol', 'maxKrylov', 'forcing'])
    if (o[field] !== undefined)
      ctx.addIssue({ code: 'custom', path: [field], message: `${field} applies only with solver: krylov` });
}
