import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { optimizerConfigs, problemVariants } from '../../shared/study/expand.js';
import { StudyPlan } from '../../shared/study/plan.js';
import { SeedSet } from '../../shared/study/seed-set.js';
import { parseSpec, type StudySpec } from '../../shared/study/spec.js';
import { taskId } from '../../shared/study/task.js';
import { REPO } from '../helpers/cli.js';

/** The eager expansion the lazy plan replaced, as it was written: the reference for ids and order. */
function eagerIds(spec: StudySpec): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  const push = (id: string) => {
    if (!seen.has(id)) ids.push(id);
    seen.add(id);
  };
  if (spec.trials) {
    const t = spec.trials;
    for (const ensemble of t.ensembles)
      for (const model of t.models) {
        if (model === 'tridiagonal' && ensemble !== 'goe') continue;
        for (const n of t.n)
          for (let first = 0; first < t.trials; first += t.batch) {
            const params = {
              ensemble,
              model,
              n,
              trials: Math.min(t.batch, t.trials - first),
              firstTrial: first,
              method: t.method,
              singularTol: t.singularTol,
              ...(t.histogram ? { histogram: t.histogram } : {}),
            };
            push(taskId({ kind: 'hessian-trials', studySeed: spec.seed, params }));
          }
      }
    return ids;
  }
  const seeds =
    typeof spec.seeds === 'number' ? Array.from({ length: spec.seeds }, (_, i) => i) : spec.seeds!;
  // Optimizer sweeps expand as in the plan (their expansion has its own tests).
  for (const problem of problemVariants(spec))
    for (const seed of seeds)
      for (const optimizer of optimizerConfigs(spec))
        push(
          taskId({
            kind: 'optimize',
            studySeed: spec.seed,
            seed,
            problem,
            optimizer,
            stop: spec.stop,
            record: spec.record,
          }),
        );
  return ids;
}

const CAP = 20_000;
const specs = readdirSync(join(REPO, 'studies'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, parseSpec(readFileSync(join(REPO, 'studies', f), 'utf8'), f)] as const);

test('the lazy plan has the ids, in the order, of the eager expansion, for every study in studies/', (t) => {
  t.true(specs.length >= 10);
  for (const [file, full] of specs) {
    // The eager reference holds every task: a study of millions of seeds is compared on its
    // first 20,000 (a prefix of its plan's seeds), and its size checked from the count.
    const many = typeof full.seeds === 'number' && full.seeds > CAP;
    const spec = many ? { ...full, seeds: CAP } : full;
    if (many) t.is(new StudyPlan(full).size, (new StudyPlan(spec).size / CAP) * (full.seeds as number), file);
    const want = eagerIds(spec);
    const plan = new StudyPlan(spec);
    t.is(plan.size, want.length, file);
    t.deepEqual(
      [...plan.tasks()].map((x) => x.id),
      want,
      file,
    );
  }
});

test('plan: task i is computed from i alone; duplicate seeds collapse; 10⁸ tasks plan at once', (t) => {
  const spec = parseSpec(
    'name: p\nseed: 2\nproblem: { kind: torus }\nsweep: { e: [1.2, 1.5] }\noptimizers: [ { kind: newton }, { kind: bfgs } ]\nseeds: [4, 1, 4, 2, 3]\n',
  );
  const plan = new StudyPlan(spec);
  t.is(plan.size, 2 * 2 * 4);
  const all = [...plan.tasks()];
  // The same tasks; a seed list runs in ascending seed order.
  t.deepEqual(all.map((x) => x.id).sort(), eagerIds(spec).sort());
  t.deepEqual(
    all.filter((_, i) => i % 2 === 0).map((x) => (x as { seed: number }).seed),
    [1, 2, 3, 4, 1, 2, 3, 4],
  );
  for (const i of [0, 5, 15]) t.deepEqual(plan.task(i), all[i]);
  const big = new StudyPlan({ ...spec, seeds: 50_000_000 });
  t.is(big.size, 2e8);
  const last = big.task(big.size - 1);
  t.is((last as { seed: number }).seed, 49_999_999);
  t.is(last.id, taskId({ ...(last as object), id: undefined, study: undefined, config: undefined } as never));
});

test('seed set: ranges from a count or a list, rank and membership', (t) => {
  const s = SeedSet.of([9, 3, 4, 5, 3, 12]);
  t.deepEqual(s.ranges, [
    [3, 6],
    [9, 10],
    [12, 13],
  ]);
  t.is(s.size, 5);
  t.deepEqual(
    [0, 1, 2, 3, 4].map((k) => s.at(k)),
    [3, 4, 5, 9, 12],
  );
  t.true(s.has(9));
  t.false(s.has(6));
  t.deepEqual(SeedSet.of(1000).ranges, [[0, 1000]]);
});
