import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { PROBLEM_KINDS } from '../../shared/problems/mod.js';
import { Stream } from '../../shared/rng/stream.js';
import { boundIssues } from '../../shared/study/bounds.js';
import { formatCostEstimate } from '../../shared/study/cost-format.js';
import { estimateCost } from '../../shared/study/estimate.js';
import { StudyPlan } from '../../shared/study/plan.js';
import { planShape, planSize } from '../../shared/study/plan-size.js';
import { ProblemSpec } from '../../shared/study/problem-spec.js';
import { parseSpec } from '../../shared/study/spec.js';
import { REPO } from '../helpers/cli.js';

/** planSize counts a plan without listing it: it must agree with the plan it stands for. */
const specs: Array<[string, string]> = [
  ['one problem', 'problem: { kind: torus }\noptimizers: [{ kind: newton }, { kind: bfgs }]\nseeds: 7'],
  [
    'problems × sweep × seeds × optimizers',
    'problems: [{ kind: torus }, { kind: torus-kkt }]\nsweep: { R: [2, 3, 4], r: [0.5, 1] }\noptimizers: [{ kind: newton }, { kind: adam }, { kind: l-bfgs }]\nseeds: 5',
  ],
  ['a seed list', 'problem: { kind: circle }\noptimizers: [{ kind: newton }]\nseeds: [3, 9, 27, 81]'],
  [
    'trials split with a remainder, tridiagonal only with goe',
    'trials: { ensembles: [paper, goe], models: [dense, tridiagonal], n: [2, 3, 5], trials: 1001, batch: 100 }',
  ],
  ['trials in one batch', 'trials: { ensembles: [goe], n: [4], trials: 10, batch: 100 }'],
];
for (const [what, body] of specs)
  test(`planSize agrees with the expansion: ${what}`, (t) => {
    const spec = parseSpec(`name: p\nseed: 1\n${body}\n`);
    const plan = new StudyPlan(spec);
    t.is(planSize(spec), plan.size, 'the lazy plan of the same spec');
    t.is(planSize(spec), [...plan.tasks()].length);
  });

test('planShape names its factors: variants × seeds × optimizers', (t) => {
  const spec = parseSpec(
    'name: p\nseed: 1\nproblems: [{ kind: torus }, { kind: torus-kkt }]\nsweep: { R: [2, 3, 4] }\noptimizers: [{ kind: newton }]\nseeds: 5\n',
  );
  const s = planShape(spec);
  t.true(s.kind === 'optimize' && s.variants === 6 && s.seeds === 5 && s.optimizers === 1);
  // A plan of 10¹² tasks is measured, not listed (the expansion would not finish).
  const huge = parseSpec(
    'name: p\nseed: 1\nproblem: { kind: torus }\noptimizers: [{ kind: newton }]\nseeds: 1000000000000\nlimits: { tasks: 10000000000000 }\n',
  );
  t.is(planSize(huge), 1e12);
});

// Each kind's size() is what the cost model and the dense bound read: it must be the objective's.
const shapes: Array<Record<string, unknown>> = [
  {},
  { width: 7, depth: 3 },
  { width: 4, depth: 1, fourierFeatures: 3 },
  { width: 12, depth: 2, activation: 'sin', init: 'siren' },
];
for (const kind of PROBLEM_KINDS)
  test(`${kind.kind}: size(spec).n is the built objective's dimension`, (t) => {
    const network = 'width' in kind.schema.shape;
    for (const extra of network ? shapes : [{}]) {
      const p = ProblemSpec.parse({
        kind: kind.kind,
        ...extra,
        ...(kind.kind === 'pinn-2d' ? { grid: 5 } : {}),
      });
      const f = kind.create(p as never, new Stream('size-test'));
      const size = kind.size(p as never);
      t.is(size.n, f.dim, JSON.stringify(p));
      if (network) t.truthy(size.net && size.net.N > 0 && size.net.widths.length === p.depth);
    }
  });

test('every study in studies/ is within the default bounds, with an estimate for each pair', (t) => {
  const dir = join(REPO, 'studies');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  t.true(files.length > 10);
  for (const f of files) {
    const spec = parseSpec(readFileSync(join(dir, f), 'utf8'), f);
    t.deepEqual(boundIssues(spec), [], f);
    const e = estimateCost(spec);
    t.true(e.items.length >= 1 && e.items.every((i) => i.seconds > 0 && i.bytes > 0), f);
    t.true(e.totalSeconds >= e.worst.seconds, f);
  }
});

test('the estimate grows with each size field, and a sweep is estimated at its largest value', (t) => {
  const at = (problem: string, sweep = '') =>
    estimateCost(
      parseSpec(`name: e\nseed: 1\nproblem: ${problem}\n${sweep}optimizers: [{ kind: newton }]\nseeds: 1\n`),
    ).items[0];
  const base = at('{ kind: pinn-2d, width: 10, depth: 2, grid: 10 }');
  for (const bigger of [
    '{ kind: pinn-2d, width: 20, depth: 2, grid: 10 }',
    '{ kind: pinn-2d, width: 10, depth: 3, grid: 10 }',
    '{ kind: pinn-2d, width: 10, depth: 2, grid: 20 }',
    '{ kind: pinn-2d, width: 10, depth: 2, grid: 10, fourierFeatures: 8 }',
  ]) {
    const e = at(bigger);
    t.true(e.flops > base.flops && e.bytes > base.bytes, bigger);
  }
  const swept = at('{ kind: pinn-2d, width: 10, depth: 2, grid: 10 }', 'sweep: { width: [5, 20, 10] }\n');
  t.deepEqual(swept.sweptAt, { width: 20 });
  t.is(swept.flops, at('{ kind: pinn-2d, width: 20, depth: 2, grid: 10 }').flops);
});

test('validate’s lines: the plan, each pair per task, the total', (t) => {
  const e = estimateCost(
    parseSpec(
      'name: v\nseed: 1\nproblem: { kind: mlp-regression, width: 10 }\nsweep: { width: [5, 20] }\noptimizers: [{ kind: newton }, { kind: adam }]\nseeds: 3\n',
    ),
  );
  const lines = formatCostEstimate(e);
  t.is(lines[0], 'plan: 12 tasks (2 problem variants × 3 seeds × 2 optimizers)');
  t.is(lines.length, 1 + 2 + 1);
  t.regex(
    lines[1],
    /^problem × optimizers\[0\] \(newton\) \[n = 480, N = 100, width = 20\]: per task ≈ [\d.]+ (ms|s|min), ≈ [\d.]+ [KMG]B$/,
  );
  t.regex(lines[3], /^total: at most ≈ .* of one thread \(estimated at 1e\+9 flops\/s\)$/);
});
