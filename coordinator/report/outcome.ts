import type { RunRow } from '../../shared/study/result.js';

/**
 * A run that stopped at its iteration cap fits the target when its output matches the target's
 * norm to within FIT_TOL: |‖u‖/‖f‖ − 1| ≤ 0.05 (for a PINN, ‖ℒu‖ against the forcing). ADAM at its
 * cap on a network problem is the common case: not a stationary point, but not the trivial
 * solution (‖u‖/‖f‖ ≈ 0) either. A matching norm is necessary for a fit, not sufficient; the
 * category says the run did not collapse to zero output, nothing more (README, "Outcomes").
 */
export const FIT_TOL = 0.05;

/** The output's norm within FIT_TOL of the target's: |‖u‖/‖f‖ − 1| ≤ FIT_TOL (null: not a network). */
export function matchesTargetNorm(ratio: number | null): boolean {
  return ratio !== null && Number.isFinite(ratio) && Math.abs(ratio - 1) <= FIT_TOL;
}

export function isFitted(r: Pick<RunRow, 'status' | 'output_norm_ratio'>): boolean {
  return r.status === 'max_iter' && matchesTargetNorm(r.output_norm_ratio);
}

/**
 * The outcome of a run as one label: for a converged run its kind of point (trivial marked),
 * `fitted` for a capped run that fits (isFitted), otherwise its status.
 */
export function outcome(r: RunRow): string {
  if (r.status !== 'converged') return isFitted(r) ? 'fitted' : r.status;
  const cls = r.point_class ?? 'converged';
  return r.trivial ? `trivial ${cls}` : cls;
}

/** Outcomes in the order figures and legends list them. */
export const OUTCOME_ORDER = [
  'minimum',
  'trivial minimum',
  'trivial saddle',
  'saddle',
  'maximum',
  'trivial maximum',
  'degenerate',
  'trivial degenerate',
  'converged',
  'fitted',
  'max_iter',
  'diverged',
  'error',
] as const;

/** One colour per outcome, the same in every figure: minima green, saddles orange, failures grey. */
export const OUTCOME_COLOURS: Record<string, string> = {
  minimum: '#2ca02c',
  'trivial minimum': '#98df8a',
  'trivial saddle': '#d62728',
  saddle: '#ff7f0e',
  maximum: '#9467bd',
  'trivial maximum': '#c5b0d5',
  degenerate: '#8c564b',
  'trivial degenerate': '#e377c2',
  converged: '#17becf',
  fitted: '#1f77b4',
  max_iter: '#7f7f7f',
  diverged: '#bcbd22',
  error: '#000000',
};

/** A colour scale over the outcomes present, in OUTCOME_ORDER (absent ones left out of the legend). */
export function outcomeScale(present: Iterable<string>) {
  const have = new Set(present);
  const domain = [
    ...OUTCOME_ORDER.filter((o) => have.has(o)),
    ...[...have].filter((o) => !OUTCOME_ORDER.includes(o as never)).sort(),
  ];
  return { domain, range: domain.map((o) => OUTCOME_COLOURS[o] ?? '#7f7f7f') };
}
