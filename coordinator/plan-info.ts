import { baseRow } from '../shared/run-task.js';
import type { StudyPlan } from '../shared/study/plan.js';
import type { Task } from '../shared/study/task.js';
import { formatValue, type Labels, labelsOf } from './report/labels.js';
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

/**
 * The settings of each configuration of a plan (one task of each group), and the labels the
 * report and `summary` give them: labels depend on what differs between configurations, never on
 * seeds, so one task a group is enough — `validate` and `plan` stay lazy at 10⁸ tasks.
 */
function groupRows(plan: StudyPlan) {
  const rows = plan.groups.map((g) => {
    const t = plan.taskOf(g.index, 0);
    return t.kind === 'optimize' ? baseRow(t, { worker: '' }) : null;
  });
  const labels: Labels = labelsOf(rows.filter((r) => r !== null));
  return { rows, labels };
}

/** The plan's tasks with their settings, in plan order, one at a time. */
export function* planEntries(p: PlannedStudy): Generator<PlanEntry> {
  const plan = p.plan;
  const { rows, labels } = groupRows(plan);
  for (let index = 0; index < plan.size; index++) {
    const { group, unit } = plan.slot(index);
    const t = plan.taskOf(group, unit);
    const r = rows[group];
    if (r && t.kind === 'optimize') {
      yield {
        index,
        id: t.id,
        kind: t.kind,
        problem: r.problem,
        problem_params: r.problem_params,
        problem_label: labels.problem(r),
        optimizer: r.optimizer,
        optimizer_params: r.optimizer_params,
        optimizer_label: labels.optimizer(r),
        seed: t.seed,
      };
      continue;
    }
    const q = (t as Extract<Task, { kind: 'hessian-trials' }>).params;
    yield {
      index,
      id: t.id,
      kind: t.kind,
      ensemble: q.ensemble,
      model: q.model,
      n: q.n,
      first_trial: q.firstTrial,
      trials: q.trials,
    };
  }
}

/** The plan's size and variants in a few lines (`validate`), from its groups: O(groups), not O(tasks). */
export function describePlan(p: PlannedStudy): string {
  const plan = p.plan;
  const count = (keys: readonly string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + plan.units);
    return [...m];
  };
  const lines = [`study ${p.spec.name}: valid; ${plan.size} tasks; plan ${plan.hash}`];
  if (p.spec.trials) {
    const points = count(
      plan.groups.map((g) => {
        const c = g.content as { ensemble: string; model: string; n: number };
        return `${c.ensemble} (${c.model}), n = ${c.n}`;
      }),
    );
    lines.push(`${points.length} points (ensemble, model, n), ${p.spec.trials.trials} trials each:`);
    for (const [q, batches] of points) lines.push(`  ${q}: ${batches} batch(es)`);
    return lines.join('\n');
  }
  const { rows, labels } = groupRows(plan);
  const optimize = rows.filter((r) => r !== null);
  const problems = count(optimize.map((r) => `${labels.problem(r)}: ${r.problem} ${r.problem_params}`));
  const optimizers = count(
    optimize.map((r) => `${labels.optimizer(r)}: ${r.optimizer} ${r.optimizer_params}`),
  );
  lines.push(`${problems.length} problem variant(s):`, ...problems.map(([q, n]) => `  ${q} (${n} tasks)`));
  lines.push(
    `${optimizers.length} optimizer configuration(s):`,
    ...optimizers.map(([o, n]) => `  ${o} (${n} tasks)`),
  );
  lines.push(
    `${plan.units} seed(s); stop at ‖∇L‖ < ${formatValue(p.spec.stop.gradTol)} or ${p.spec.stop.maxIter} iterations`,
  );
  return lines.join('\n');
}
