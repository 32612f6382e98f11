import { baseRow } from '../shared/run-task.js';
import type { Task } from '../shared/study/task.js';
import { formatValue, labelsOf } from './report/labels.js';
import type { PlannedStudy } from './run-study.js';

/** One task of a plan as `plan` lists it: what `replay` and a reader of the tables need. */
export interface PlanEntry {
  readonly index: number;
  readonly id: string;
  readonly kind: Task['kind'];
  /** Optimizer tasks: the problem variant and configuration as the tables name them, and labels. */
  readonly problem?: string;
  readonly problem_params?: string;
  readonly problem_label?: string;
  readonly optimizer?: string;
  readonly optimizer_params?: string;
  readonly optimizer_label?: string;
  readonly seed?: number;
  /** Trials tasks: the point and the batch. */
  readonly ensemble?: string;
  readonly model?: string;
  readonly n?: number;
  readonly first_trial?: number;
  readonly trials?: number;
}

/** The plan's tasks with their settings, labelled like the report and `summary` label them. */
export function planEntries(plan: PlannedStudy): PlanEntry[] {
  const rows = plan.tasks.map((t) => (t.kind === 'optimize' ? baseRow(t, { worker: '' }) : null));
  const labels = labelsOf(rows.filter((r) => r !== null));
  return plan.tasks.map((t, index) => {
    const r = rows[index];
    if (r)
      return {
        index,
        id: t.id,
        kind: t.kind,
        problem: r.problem,
        problem_params: r.problem_params,
        problem_label: labels.problem(r),
        optimizer: r.optimizer,
        optimizer_params: r.optimizer_params,
        optimizer_label: labels.optimizer(r),
        seed: r.seed,
      };
    const p = (t as Extract<Task, { kind: 'hessian-trials' }>).params;
    return {
      index,
      id: t.id,
      kind: t.kind,
      ensemble: p.ensemble,
      model: p.model,
      n: p.n,
      first_trial: p.firstTrial,
      trials: p.trials,
    };
  });
}

/** The plan's size and variants in a few lines (`validate`). */
export function describePlan(plan: PlannedStudy, entries: readonly PlanEntry[]): string {
  const count = (key: (e: PlanEntry) => string) => {
    const m = new Map<string, number>();
    for (const e of entries) m.set(key(e), (m.get(key(e)) ?? 0) + 1);
    return [...m];
  };
  const lines = [`study ${plan.spec.name}: valid; ${plan.tasks.length} tasks; plan ${plan.planHash}`];
  if (plan.spec.trials) {
    const points = count((e) => `${e.ensemble} (${e.model}), n = ${e.n}`);
    lines.push(`${points.length} points (ensemble, model, n), ${plan.spec.trials.trials} trials each:`);
    for (const [p, batches] of points) lines.push(`  ${p}: ${batches} batch(es)`);
    return lines.join('\n');
  }
  const problems = count((e) => `${e.problem_label}: ${e.problem} ${e.problem_params}`);
  const optimizers = count((e) => `${e.optimizer_label}: ${e.optimizer} ${e.optimizer_params}`);
  const seeds = new Set(entries.map((e) => e.seed)).size;
  lines.push(`${problems.length} problem variant(s):`, ...problems.map(([p, n]) => `  ${p} (${n} tasks)`));
  lines.push(
    `${optimizers.length} optimizer configuration(s):`,
    ...optimizers.map(([o, n]) => `  ${o} (${n} tasks)`),
  );
  lines.push(
    `${seeds} seed(s); stop at ‖∇L‖ < ${formatValue(plan.spec.stop.gradTol)} or ${plan.spec.stop.maxIter} iterations`,
  );
  return lines.join('\n');
}
