import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../shared/study/errors.js';
import type { StudyPlan } from '../shared/study/plan.js';
import type { StudySpec } from '../shared/study/spec.js';
import { atomicWrite, makeDir } from './files.js';
import { journalResults, segmentsDoneSet } from './store/read.js';
import { readVariants } from './store/variants.js';
import { versions } from './versions.js';

/** The files of an out dir (README, "Results"): segment folders for the tables. */
export const outFiles = (dir: string) => ({
  study: join(dir, 'study.json'),
  runs: join(dir, 'runs'),
  history: join(dir, 'history'),
  trials: join(dir, 'trials'),
  variants: join(dir, 'variants.arrow'),
  journal: join(dir, 'results.journal'),
});

export interface StudyManifest {
  readonly name: string;
  readonly spec: StudySpec;
  readonly planHash: string;
  readonly tasks: number;
  readonly versions: Record<string, string>;
  readonly created: string;
  /** Earlier plans of this out dir, each a subset of the next (a study extended). */
  readonly extended?: { planHash: string; tasks: number; until: string }[];
}

/** Paths at which two specs differ, as `path: old → new` (at most `max`). */
export function specDifferences(a: unknown, b: unknown, path = '', max = 6): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, at: string) => {
    if (out.length >= max) return;
    if (
      x !== null &&
      y !== null &&
      typeof x === 'object' &&
      typeof y === 'object' &&
      Array.isArray(x) === Array.isArray(y)
    ) {
      const keys = new Set([...Object.keys(x as object), ...Object.keys(y as object)]);
      for (const k of keys)
        walk(
          (x as Record<string, unknown>)[k],
          (y as Record<string, unknown>)[k],
          Array.isArray(x) ? `${at}[${k}]` : at ? `${at}.${k}` : k,
        );
    } else if (JSON.stringify(x) !== JSON.stringify(y))
      out.push(`${at || '(spec)'}: ${JSON.stringify(x) ?? 'absent'} → ${JSON.stringify(y) ?? 'absent'}`);
  };
  walk(a, b, path);
  return out;
}

/**
 * Why a new plan cannot take over an out dir, or null: every task already done must be a task of
 * the new plan (same configuration, a seed or trial batch the new plan has). Only the done-set is
 * read (two columns of the runs segments), not the rows.
 */
function extensionProblem(dir: string, old: StudyManifest, plan: StudyPlan): string | null {
  const done = segmentsDoneSet(dir);
  journalResults(dir, done);
  const groups = new Map(plan.groups.map((g) => [g.config, g]));
  const variants = readVariants(dir);
  const diff = specDifferences(old.spec, plan.spec).join('; ');
  for (const config of done.configsDone()) {
    if (!groups.has(config)) {
      const v = variants.get(config);
      const what = v
        ? `${v.problem} ${v.problem_params} × ${v.optimizer} ${v.optimizer_params}`
        : `configuration ${config}`;
      return `${done.countOf(config)} done runs of ${what} are not in the new plan (changed: ${diff || 'the plan'})`;
    }
    if (plan.seeds) {
      for (const seed of done.units(config))
        if (!plan.seeds.has(seed))
          return `seed ${seed} is done but not in the new plan's seeds (changed: ${diff})`;
    } else {
      const t = plan.spec.trials!;
      const ot = old.spec.trials!;
      const lastPartial = ot.trials % ot.batch !== 0 && ot.trials !== t.trials;
      if (ot.batch !== t.batch || t.trials < ot.trials || lastPartial)
        return `trial batches done with batch ${ot.batch} of ${ot.trials} trials would change (new: batch ${t.batch} of ${t.trials}); keep batch, and trials a multiple of it to extend`;
    }
  }
  return null;
}

/**
 * Creates the out dir for a study, or checks that the one there can take this plan: the same plan,
 * or one that contains every task already done (more seeds, a new sweep value: only the new tasks
 * run). A plan that drops or changes done tasks is refused, naming what differs.
 */
export function prepareOutDir(dir: string, plan: StudyPlan): StudyManifest {
  const files = outFiles(dir);
  const spec = plan.spec;
  if (existsSync(files.study)) {
    const old = readManifest(dir);
    if (old.planHash === plan.hash) return old;
    const why = extensionProblem(dir, old, plan);
    if (why)
      throw new InputError(
        `out dir ${dir} holds study '${old.name}' with another plan: ${why}. Use another --out, or a spec whose plan contains every task done`,
      );
    const manifest: StudyManifest = {
      ...old,
      spec,
      planHash: plan.hash,
      tasks: plan.size,
      extended: [
        ...(old.extended ?? []),
        { planHash: old.planHash, tasks: old.tasks, until: new Date().toISOString() },
      ],
    };
    atomicWrite(files.study, `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }
  makeDir(dir);
  const manifest: StudyManifest = {
    name: spec.name,
    spec,
    planHash: plan.hash,
    tasks: plan.size,
    versions: versions(),
    created: new Date().toISOString(),
  };
  atomicWrite(files.study, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function readManifest(dir: string): StudyManifest {
  const path = outFiles(dir).study;
  if (!existsSync(path)) throw new InputError(`${dir} is not a saddlescope out dir (no study.json)`);
  let m: StudyManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as StudyManifest;
  } catch (e) {
    throw new InputError(`${path}: not JSON (${(e as Error).message})`);
  }
  for (const k of ['name', 'spec', 'planHash'] as const)
    if (m?.[k] === undefined) throw new InputError(`${path}: not a saddlescope study manifest (no ${k})`);
  return m;
}
