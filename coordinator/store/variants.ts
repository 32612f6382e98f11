import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { baseRow } from '../../shared/run-task.js';
import { canonicalJson } from '../../shared/study/canonical.js';
import type { Column } from '../../shared/study/columns.js';
import type { StudyPlan } from '../../shared/study/plan.js';
import type { Task } from '../../shared/study/task.js';
import { tableFromRows, writeArrowFile } from '../tables/arrow-io.js';

/** One configuration of an out dir: what its rows share, stored once instead of in every row. */
export interface Variant {
  readonly config: string;
  readonly problem: string;
  readonly optimizer: string;
  readonly problem_params: string;
  readonly optimizer_params: string;
  /** Canonical JSON of the task content but its seed (or trial range): replay rebuilds tasks from it. */
  readonly content: string;
}

const c = (name: string, doc: string): Column => ({ name, type: 'utf8', nullable: false, doc });

/** The `variants` table (variants.arrow): one row per configuration the out dir has ever planned. */
export const VARIANT_COLUMNS: readonly Column[] = [
  c('config', 'Configuration hash (runs.config, trials.config)'),
  c('problem', 'Problem kind (trials studies: hessian-trials)'),
  c('optimizer', 'Optimizer (a warm start as first→next; trials studies: the ensemble and model)'),
  c('problem_params', 'Problem parameters, canonical JSON (trials studies: the point)'),
  c('optimizer_params', 'Optimizer parameters, canonical JSON'),
  c('content', 'The task content but its seed or trial range, canonical JSON (what replay needs)'),
];

export const variantsPath = (dir: string) => join(dir, 'variants.arrow');

export function readVariants(dir: string): Map<string, Variant> {
  const path = variantsPath(dir);
  const out = new Map<string, Variant>();
  if (!existsSync(path)) return out;
  for (const r of tableFromIPC(readFileSync(path)).toArray()) {
    const v = r.toJSON() as unknown as Variant;
    out.set(v.config, { ...v });
  }
  return out;
}

/** A plan's configurations as variants (described as a run row of its first unit describes it). */
export function planVariants(plan: StudyPlan): Variant[] {
  return plan.groups.map((g) => {
    const task = plan.taskOf(g.index, 0);
    const { seed: _s, id: _i, study: _st, config: _c, ...rest } = task as Task & { seed?: number };
    if (task.kind === 'hessian-trials') {
      const { trials: _t, firstTrial: _f, ...point } = task.params;
      return {
        config: g.config,
        problem: 'hessian-trials',
        optimizer: `${point.ensemble}/${point.model}`,
        problem_params: canonicalJson(point),
        optimizer_params: '{}',
        content: canonicalJson({ ...rest, params: point }),
      };
    }
    const row = baseRow(task, { worker: '' });
    return {
      config: g.config,
      problem: row.problem,
      optimizer: row.optimizer,
      problem_params: row.problem_params,
      optimizer_params: row.optimizer_params,
      content: canonicalJson(rest),
    };
  });
}

/** Adds a plan's new configurations to the out dir's variants table (rewritten atomically: it is small). */
export function recordVariants(dir: string, plan: StudyPlan): Map<string, Variant> {
  const known = readVariants(dir);
  let added = false;
  for (const v of planVariants(plan))
    if (!known.has(v.config)) {
      known.set(v.config, v);
      added = true;
    }
  if (added) {
    const rows = [...known.values()] as unknown as Record<string, unknown>[];
    writeArrowFile(variantsPath(dir), tableFromRows(VARIANT_COLUMNS, rows));
  }
  return known;
}
