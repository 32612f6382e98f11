import test from 'ava';
import { taskEngine } from '../../shared/study/engine.js';
import { isInputError } from '../../shared/study/errors.js';
import { expandStudy, planHash } from '../../shared/study/plan.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import { keepsRecordedIds } from '../helpers/plan.js';

const good = `
name: t
seed: 7
problem: { kind: torus }
optimizers: [ { kind: newton }, { kind: bfgs } ]
seeds: 3
`;

/** Each malformed spec and the message that must name its field. */
const bad: Array<[string, string, RegExp]> = [
  [
    'negative damping',
    good.replace('{ kind: newton }', '{ kind: newton, lambda: -1 }'),
    /optimizers\[0\]\.lambda: must be >= 0/,
  ],
  ['unknown key at top level', `${good}colour: red\n`, /colour: unknown key/],
  [
    'unknown key in an optimizer',
    good.replace('{ kind: bfgs }', '{ kind: bfgs, memory: 3 }'),
    /optimizers\[1\]\.memory: unknown key/,
  ],
  [
    'unknown optimizer kind',
    good.replace('{ kind: bfgs }', '{ kind: sgd }'),
    /optimizers\[1\]\.kind: must be one of "newton"/,
  ],
  [
    'unknown problem kind',
    good.replace('{ kind: torus }', '{ kind: sphere }'),
    /problem\.kind: must be one of "circle", "torus"/,
  ],
  ['wrong type', good.replace('seeds: 3', 'seeds: three'), /seeds: expected number.*or.*expected array/],
  ['zero seeds', good.replace('seeds: 3', 'seeds: 0'), /seeds: /],
  [
    'out-of-range torus radius',
    good.replace('{ kind: torus }', '{ kind: torus, r: -1 }'),
    /problem\.r: must be > 0/,
  ],
  ['missing name', good.replace('name: t\n', ''), /name: expected string/],
  [
    'both problem and problems',
    `${good}problems: [ { kind: circle } ]\n`,
    /give exactly one of `problem` or `problems`/,
  ],
  ['bad stop rule', `${good}stop: { maxIter: 1.5 }\n`, /stop\.maxIter: expected int/],
  ['not YAML', 'name: [unclosed', /not valid YAML/],
];

for (const [what, text, message] of bad) {
  test(`spec refused: ${what}`, (t) => {
    const e = t.throws(() => parseSpec(text, 'spec.yaml'));
    t.true(isInputError(e));
    t.regex(e!.message, message);
  });
}

test('expansion: problem variant × seed × optimizer, with deterministic distinct ids', (t) => {
  const spec = parseSpec(good);
  const a = expandStudy(spec);
  const b = expandStudy(parseSpec(good));
  t.is(a.length, 6);
  t.deepEqual(
    a.map((x) => x.id),
    b.map((x) => x.id),
  );
  t.is(new Set(a.map((x) => x.id)).size, 6);
  t.is(planHash(spec), planHash(parseSpec(good)));
  // Defaults are filled in, so writing a default explicitly does not change the plan.
  const explicit = parseSpec(good.replace('{ kind: torus }', '{ kind: torus, R: 2, r: 1, e: 1.5 }'));
  t.is(planHash(explicit), planHash(spec));
  // The study name is not part of a task's identity; its seed is.
  t.is(planHash(parseSpec(good.replace('name: t', 'name: u'))), planHash(spec));
  t.not(planHash(parseSpec(good.replace('seed: 7', 'seed: 8'))), planHash(spec));
});

test('sweep crosses problem parameters and validates every value', (t) => {
  const spec = parseSpec(`${good}sweep: { e: [1.2, 1.5, 2] }\n`);
  const tasks = expandStudy(spec) as OptimizeTask[];
  t.is(tasks.length, 18);
  t.deepEqual([...new Set(tasks.map((x) => x.problem.e))], [1.2, 1.5, 2]);
  const e1 = t.throws(() => expandStudy(parseSpec(`${good}sweep: { e: [1.2, -1] }\n`)));
  t.regex(e1!.message, /sweep\.e\[1\]: must be > 0/);
  const e2 = t.throws(() => expandStudy(parseSpec(`${good}sweep: { width: [5] }\n`)));
  t.regex(e2!.message, /sweep\.width: not a parameter of problem 'torus'/);
});

const net = `
name: ids
seed: 5
problem: { kind: mlp-regression, width: 5 }
optimizers: [ { kind: adam, lr: 0.01 }, { kind: gd }, { kind: warm-start, first: { kind: adam }, steps: 3, next: { kind: newton } } ]
seeds: 2
`;

test('engine: a spec without it keeps the task ids it had before engines existed; engine: f64 is the same tasks', (t) => {
  // Recorded with the code before the engine field was added (commit da5608c).
  const before = [
    'a714f49c31988137b0e0',
    'eaec5aff9380f8faaa73',
    '48796c0bb10193cb3076',
    'ca0d31918ea101b525d1',
    '13c68b4f7c92e8a09ead',
    '191d0d4d3e648aca4a31',
  ];
  keepsRecordedIds(t, net, before, ['engine'], 'no engine written into the task');
  const explicit = net
    .replace('{ kind: adam, lr: 0.01 }', '{ kind: adam, lr: 0.01, engine: f64 }')
    .replace('{ kind: gd }', '{ kind: gd, engine: f64 }')
    .replace('first: { kind: adam }', 'first: { kind: adam, engine: f64 }');
  t.deepEqual(
    expandStudy(parseSpec(explicit)).map((x) => x.id),
    before,
  );
  const tfjs = expandStudy(
    parseSpec(net.replace('{ kind: adam, lr: 0.01 }', '{ kind: adam, lr: 0.01, engine: tfjs }')),
  );
  t.not(tfjs[0].id, before[0], 'a tfjs run is another task');
  t.is(taskEngine(tfjs[0]), 'tfjs');
});

const engineErrors: Array<[string, string, RegExp]> = [
  [
    'tfjs on a non-network problem',
    good.replace('{ kind: bfgs }', '{ kind: adam, engine: tfjs }'),
    /optimizers\[1\]\.engine: tfjs runs only on network problems \(mlp-regression, pinn-1d, pinn-2d\), not 'torus'/,
  ],
  [
    'tfjs gd with the curvature step',
    net.replace('{ kind: gd }', '{ kind: gd, engine: tfjs }'),
    /optimizers\[1\]\.engine: tfjs runs gd with a fixed step only \(the curvature step needs the Hessian\): add stepRule: fixed/,
  ],
  [
    'tfjs inside a warm start',
    net.replace('first: { kind: adam }', 'first: { kind: adam, engine: tfjs }'),
    /optimizers\[2\]\.first\.engine: tfjs is not supported inside a warm start/,
  ],
  [
    'tfjs on newton',
    net.replace('next: { kind: newton }', 'next: { kind: newton, engine: tfjs }'),
    /optimizers\[2\]\.next\.engine: unknown key/,
  ],
  [
    'an unknown engine',
    net.replace('{ kind: gd }', '{ kind: gd, engine: gpu }'),
    /optimizers\[1\]\.engine: must be one of "f64", "tfjs"/,
  ],
];
for (const [what, text, message] of engineErrors)
  test(`engine: ${what} is refused, naming the field`, (t) => {
    const e = t.throws(() => parseSpec(text));
    t.true(isInputError(e));
    t.regex(e!.message, message);
  });

test('engine: tfjs adam and fixed-step gd on network problems are accepted', (t) => {
  const ok = net
    .replace('{ kind: adam, lr: 0.01 }', '{ kind: adam, lr: 0.01, engine: tfjs }')
    .replace('{ kind: gd }', '{ kind: gd, stepRule: fixed, engine: tfjs }');
  t.is(expandStudy(parseSpec(ok)).length, 6);
});
