import test from 'ava';
import { isInputError } from '../../shared/study/errors.js';
import { expandStudy, planHash } from '../../shared/study/expand.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';

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
  t.is(planHash(a), planHash(b));
  // Defaults are filled in, so writing a default explicitly does not change the plan.
  const explicit = parseSpec(good.replace('{ kind: torus }', '{ kind: torus, R: 2, r: 1, e: 1.5 }'));
  t.is(planHash(expandStudy(explicit)), planHash(a));
  // The study name is not part of a task's identity; its seed is.
  t.is(planHash(expandStudy(parseSpec(good.replace('name: t', 'name: u')))), planHash(a));
  t.not(planHash(expandStudy(parseSpec(good.replace('seed: 7', 'seed: 8')))), planHash(a));
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
