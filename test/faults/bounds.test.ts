import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';

/**
 * Issue 22, item 7: absurd sizes are refused before anything runs: exit 2, one line per field at
 * fault naming the field and the limit, no stack trace, no out dir. Before the bounds, each of these
 * crashed V8, exhausted memory, planned for minutes, or wrote a failed row per task.
 */

const torus = (extra: string) => `
name: bounds
seed: 1
problem: { kind: torus }
optimizers: [{ kind: newton }]
${extra}
`;
const range = (n: number) => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;

/** Parameters of the mlp-regression network (d = 1 input) of `depth` layers of `width` units. */
const mlpParams = (width: number, depth: number) => 2 * width + (depth - 1) * (width * width + width) + width;
/** Two seeds of the optimizers on the width-512, depth-8 mlp-regression (≈1.8M parameters). */
const wide = (optimizers: string, extra = '') =>
  `name: b\nseed: 1\nproblem: { kind: mlp-regression, width: 512, depth: 8 }\noptimizers: [${optimizers}]\nseeds: 2\n${extra}`;
const withCommas = (x: number) => x.toLocaleString('en-US');

const cases: Array<[string, string, string[], RegExp]> = [
  [
    'seeds: 1e9',
    torus('seeds: 1000000000'),
    [],
    /seeds: the plan has 1,000,000,000 tasks \(1 problem variant × 1,000,000,000 seeds × 1 optimizer\), more than limits\.tasks = 10,000,000/,
  ],
  [
    '--seeds 1000000000',
    torus('seeds: 3'),
    ['--seeds', '1000000000'],
    /seeds \(--seeds\): the plan has 1,000,000,000 tasks/,
  ],
  [
    'trials × batch of 4·10⁹ tasks',
    'name: b\nseed: 1\ntrials: { ensembles: [paper], n: [4], trials: 4000000000, batch: 1 }\n',
    [],
    /trials\.batch: the plan has 4,000,000,000 tasks \(1 point × 4,000,000,000 batches\) at trials\.batch = 1, more than limits\.tasks/,
  ],
  [
    'sweep × seeds of 1.6·10⁹ tasks',
    `name: b
seed: 1
problem: { kind: mlp-regression, width: 5 }
sweep: { width: ${range(100)}, depth: ${range(8)}, omega: ${range(1000)} }
optimizers: [{ kind: adam }]
seeds: 2000
record: { spectrum: false }
stop: { maxIter: 10 }
`,
    [],
    /sweep: the plan has 1,600,000,000 tasks \(800,000 problem variants × 2,000 seeds × 1 optimizer\)/,
  ],
  [
    'width 512, depth 8 with dense newton',
    wide('{ kind: newton }, { kind: adam }'),
    [],
    new RegExp(
      `optimizers\\[0\\]: newton's dense solve needs the n × n Hessian: optimizers\\[0\\] \\(newton\\) on problem \\(mlp-regression: n = ${withCommas(mlpParams(512, 8))} parameters.*\\) makes it 27 TB; dense matrices are limited to n ≤ 8,192 \\(limits\\.denseParams\\): add \`solver: krylov\``,
    ),
  ],
  [
    'a sweep to a width that makes the dense Hessian too large',
    `name: b
seed: 1
problem: { kind: mlp-regression, width: 10 }
sweep: { width: [10, 200] }
optimizers: [{ kind: saddle-free-newton }]
seeds: 2
record: { spectrum: false }
`,
    [],
    /optimizers\[0\]: saddle-free newton needs the eigendecomposition of the n × n Hessian: .*sweep width = 200\).*limits\.denseParams/,
  ],
  [
    'record.spectrumMethod: dense on a large network trained by adam',
    wide('{ kind: adam }', 'stop: { maxIter: 10 }\nrecord: { spectrumMethod: dense }\n'),
    [],
    /record\.spectrum: classifying the final point takes the n × n Hessian's eigenvalues: problem \(mlp-regression: .*set `record\.spectrumMethod: lanczos` or `record\.spectrum: false`/,
  ],
  [
    'raising limits.denseParams leaves the memory bound',
    wide('{ kind: newton }', 'limits: { denseParams: 10000000 }\n'),
    [],
    /problem: one task of optimizers\[0\] \(newton\) on problem .* needs about \d+ TB of memory, more than limits\.taskMemoryGB = 4/,
  ],
  [
    'a pinn-2d grid whose task needs tens of GB',
    torus('seeds: 2').replace('{ kind: torus }', '{ kind: pinn-2d, grid: 1000 }'),
    [],
    /problem: one task of optimizers\[0\] \(newton\) on problem \(pinn-2d: n = 150 parameters, N = 1,000,000 points \(from grid\)\) needs about \d+ GB of memory, more than limits\.taskMemoryGB = 4: lower grid, width or depth/,
  ],
  [
    'a pinn-2d grid whose final Hessian (record.spectrum) needs tens of GB',
    torus('seeds: 2').replace('{ kind: torus }', '{ kind: pinn-2d, grid: 400 }').replace('newton', 'adam'),
    [],
    /problem: one task of optimizers\[0\] \(adam\) on problem \(pinn-2d: .*\) needs about \d+ GB of memory \(the final exact Hessian, for record\.spectrum\), more than limits\.taskMemoryGB = 4: .*set record\.spectrum: false/,
  ],
  [
    'a pinn-2d grid whose task runs for hours',
    `${torus('seeds: 2').replace('{ kind: torus }', '{ kind: pinn-2d, grid: 200 }')}stop: { maxIter: 2000 }\n`,
    [],
    /problem: one task of optimizers\[0\] \(newton\) on problem \(pinn-2d: .*N = 40,000 points \(from grid\)\) is estimated at .* flops, about [\d.]+ (h|days) on one thread, more than limits\.taskHours = 4: lower grid, width or depth or stop\.maxIter, or raise limits\.taskHours/,
  ],
  [
    'trials n beyond the dense workspace',
    'name: b\nseed: 1\ntrials: { ensembles: [goe], n: [100, 9000], trials: 10 }\n',
    [],
    /trials\.n\[1\]: must be at most 8,192 for model 'dense', got 9,000/,
  ],
  [
    'a seeds list longer than the list limit',
    torus(`seeds: ${range(10_001)}`),
    [],
    /seeds: must have at most 10000 item\(s\)/,
  ],
  ['--threads 100000', torus('seeds: 2'), ['--threads', '100000'], /--threads must be at most \d+ \(4 × the/],
];

for (const [what, spec, args, message] of cases)
  test.serial(`refused before running: ${what}`, async (t) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await runCli(['run', writeSpec(dir, spec), '--out', out, ...args]);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, message);
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
    t.false(existsSync(out), 'nothing written');
  });

test.serial(
  'a 50 MB spec and a 25M-item seeds list are refused by size, before they are parsed',
  async (t) => {
    const dir = tempDir();
    const comment = join(dir, 'comment.yaml');
    writeFileSync(comment, `${torus('seeds: 2')}${'# padding\n'.repeat(5_000_000)}`);
    const list = join(dir, 'list.yaml');
    writeFileSync(list, torus(`seeds: [${'0,'.repeat(25_000_000)}0]`));
    for (const p of [comment, list]) {
      const out = join(dir, 'out');
      const r = await runCli(['run', p, '--out', out]);
      t.is(r.code, 2, r.stderr);
      t.regex(r.stderr, /bytes, more than a study spec may hold \(262,144\)/);
      t.true(r.stderr.includes(p));
      t.false(existsSync(out));
    }
  },
);
