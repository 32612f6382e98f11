/**
 * Sweeps of optimizer parameters inside an optimizer entry (shared/study/optimizer-sweep.ts):
 * crossed counts, ids equal to the same configurations written out by hand, and errors that
 * name the swept value at fault, in the library and through the CLI (exit 2, nothing written).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { optimizerVariants } from '../../shared/study/optimizer-sweep.js';
import { expandStudy, planHash } from '../../shared/study/plan.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';

const spec = (optimizers: string, extra = '') => `
name: sw
seed: 11
problem: { kind: torus }
optimizers:
${optimizers}
seeds: 4
${extra}`;

const swept = spec(`  - { kind: newton, alpha: 1, sweep: { lambda: [1.0e-4, 1.0e-2], alpha: [0.25, 0.5, 1] } }
  - { kind: bfgs }`);

test('a sweep inside an optimizer entry is crossed: 2 λ × 3 α Newton configurations, then BFGS', (t) => {
  const s = parseSpec(swept);
  const variants = optimizerVariants(s);
  t.is(variants.length, 7);
  t.deepEqual(
    variants.slice(0, 6).map((o) => [o.kind, 'lambda' in o && o.lambda, 'alpha' in o && o.alpha]),
    [
      ['newton', 1e-4, 0.25],
      ['newton', 1e-4, 0.5],
      ['newton', 1e-4, 1],
      ['newton', 1e-2, 0.25],
      ['newton', 1e-2, 0.5],
      ['newton', 1e-2, 1],
    ],
  );
  t.deepEqual(variants[6], { kind: 'bfgs' });
  t.false(variants.some((o) => 'sweep' in o));
  const tasks = expandStudy(s) as OptimizeTask[];
  t.is(tasks.length, 4 * 7);
  t.is(new Set(tasks.map((x) => x.id)).size, 28);
});

test('a swept configuration is the same task as the configuration written out by hand', (t) => {
  const lines: string[] = [];
  for (const lambda of ['1.0e-4', '1.0e-2'])
    for (const alpha of [0.25, 0.5, 1])
      lines.push(`  - { kind: newton, lambda: ${lambda}, alpha: ${alpha} }`);
  lines.push('  - { kind: bfgs }');
  const handSpec = parseSpec(spec(lines.join('\n')));
  const byHand = expandStudy(handSpec);
  const bySweep = expandStudy(parseSpec(swept));
  t.is(planHash(parseSpec(swept)), planHash(handSpec));
  t.deepEqual(
    bySweep.map((x) => x.id),
    byHand.map((x) => x.id),
  );
  // Sweeping one field fills the others' defaults as an entry without a sweep does (λ = 0).
  const one = optimizerVariants(parseSpec(spec('  - { kind: newton, sweep: { alpha: [0.5] } }')));
  t.deepEqual(one, [{ kind: 'newton', alpha: 0.5, lambda: 0 }]);
  // A sweep of a single value equal to the entry's own collapses into the entry's task.
  const same = expandStudy(parseSpec(spec('  - { kind: newton, alpha: 0.5, sweep: { alpha: [0.5] } }')));
  t.deepEqual(
    same.map((x) => x.id),
    expandStudy(parseSpec(spec('  - { kind: newton, alpha: 0.5 }'))).map((x) => x.id),
  );
});

test('every optimizer kind sweeps its own fields (l-bfgs memory, adam lr, warm-start steps)', (t) => {
  const s = parseSpec(
    spec(`  - { kind: l-bfgs, sweep: { memory: [3, 5, 7] } }
  - { kind: adam, sweep: { lr: [1.0e-3, 1.0e-2], beta1: [0.8, 0.9] } }
  - { kind: warm-start, first: { kind: adam }, steps: 10, next: { kind: newton }, sweep: { steps: [0, 5] } }`),
  );
  const v = optimizerVariants(s);
  t.is(v.length, 3 + 4 + 2);
  t.deepEqual(
    v.slice(0, 3).map((o) => o.kind === 'l-bfgs' && o.memory),
    [3, 5, 7],
  );
  t.deepEqual(
    v.slice(7).map((o) => o.kind === 'warm-start' && o.steps),
    [0, 5],
  );
});

/** Each malformed sweep and the message that must name the value at fault (and the file). */
const bad: Array<[string, string, RegExp]> = [
  [
    'a swept value out of range',
    '  - { kind: newton, sweep: { lambda: [1.0e-4, -1], alpha: [0.5] } }',
    /my\.yaml[\s\S]*optimizers\[0\]\.sweep\.lambda\[1\]: must be >= 0/,
  ],
  [
    'a swept value of the wrong type',
    '  - { kind: bfgs }\n  - { kind: newton, sweep: { alpha: [0.5, fast] } }',
    /optimizers\[1\]\.sweep\.alpha\[1\]: expected number/,
  ],
  [
    'a field the optimizer does not have',
    '  - { kind: newton, sweep: { memory: [3] } }',
    /optimizers\[0\]\.sweep\.memory: not a parameter of optimizer 'newton' \(its parameters: alpha, lambda, /,
  ],
  [
    'sweeping the kind',
    '  - { kind: newton, sweep: { kind: [bfgs] } }',
    /optimizers\[0\]\.sweep\.kind: not a parameter/,
  ],
  [
    'an empty list',
    '  - { kind: newton, sweep: { alpha: [] } }',
    /optimizers\[0\]\.sweep\.alpha: must have at least 1/,
  ],
  [
    'a bad base entry next to a sweep',
    '  - { kind: newton, lambda: -2, sweep: { alpha: [0.5] } }',
    /optimizers\[0\]\.lambda: must be >= 0/,
  ],
  [
    'an unknown key beside the sweep',
    '  - { kind: newton, damping: 1, sweep: { alpha: [0.5] } }',
    /optimizers\[0\]\.damping: unknown key/,
  ],
];

for (const [what, optimizers, message] of bad)
  test(`refused: ${what}`, (t) => {
    t.throws(() => parseSpec(spec(optimizers), 'my.yaml'), { name: 'InputError', message });
  });

test('the CLI refuses a bad swept value with its path, exit 2, and writes nothing', async (t) => {
  const dir = tempDir();
  const path = writeSpec(dir, spec('  - { kind: newton, sweep: { lambda: [1.0e-4, -1] } }'));
  const out = join(dir, 'out');
  const r = await runCli(['run', path, '--out', out, '--threads', '1']);
  t.is(r.code, 2);
  t.regex(r.stderr, /spec\.yaml[\s\S]*optimizers\[0\]\.sweep\.lambda\[1\]: must be >= 0/);
  t.false(existsSync(out));
});
