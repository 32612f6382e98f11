/**
 * Bias initialization (`biasInit`, shared/nets/init.ts): each scheme's distribution (bounds,
 * moments), its independence from the weight scheme, its validation, and that specs without the
 * field keep every task id they had before it existed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { type BiasInit, type InitScheme, initParams } from '../../shared/nets/init.js';
import { paramLayout } from '../../shared/nets/layout.js';
import type { NetworkObjective } from '../../shared/problems/network.js';
import { Stream } from '../../shared/rng/stream.js';
import { taskStart } from '../../shared/run-task.js';
import { contentHash } from '../../shared/study/canonical.js';
import { expandStudy } from '../../shared/study/plan.js';
import { problemKind } from '../../shared/study/problem-spec.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import { REPO } from '../helpers/cli.js';

/** Two hidden layers: fan-in 1 for the first layer's biases, `width` for the second's. */
const layout = paramLayout(1, [300, 300]);

/** Every bias of layer l over `draws` independent streams. */
function biases(scheme: InitScheme, bias: BiasInit | undefined, l: number, draws = 20): number[] {
  const out: number[] = [];
  for (let s = 0; s < draws; s++) {
    const x = initParams(layout, scheme, 1, new Stream('init', 'bias-test', s), bias);
    out.push(...x.subarray(layout.offB[l], layout.offB[l] + layout.widths[l]));
  }
  return out;
}

function moments(v: number[]) {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const m2 = v.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const m4 = v.reduce((a, b) => a + (b - mean) ** 4, 0) / n;
  return { n, mean, variance: m2, kurtosis: m4 / (m2 * m2) };
}

test('torch-default biases are U(−1/√fan_in, 1/√fan_in) in every layer, whatever the weight scheme', (t) => {
  for (const scheme of ['xavier-normal', 'xavier-uniform', 'siren'] as const)
    for (const l of [0, 1]) {
      const fin = l === 0 ? 1 : 300;
      const a = 1 / Math.sqrt(fin);
      const v = biases(scheme, { kind: 'torch-default' }, l);
      const m = moments(v);
      t.true(
        v.every((b) => b >= -a && b < a),
        `${scheme} layer ${l} out of bounds`,
      );
      // U(−a, a): variance a²/3, kurtosis 9/5; 6,000 draws put the estimates within a few %.
      t.true(Math.abs(m.mean) < 4 * Math.sqrt((a * a) / 3 / m.n), `${scheme} layer ${l} mean ${m.mean}`);
      t.true(Math.abs(m.variance / ((a * a) / 3) - 1) < 0.05, `${scheme} layer ${l} variance ${m.variance}`);
      t.true(Math.abs(m.kurtosis - 1.8) < 0.1, `${scheme} layer ${l} kurtosis ${m.kurtosis}`);
      // The extremes of 6,000 uniform draws come within 0.5% of the bounds.
      t.true(Math.max(...v) > 0.995 * a && Math.min(...v) < -0.995 * a);
    }
});

test('normal biases are N(0, scale²); zeros are exactly zero', (t) => {
  for (const scale of [0.1, 2]) {
    const m = moments(biases('xavier-normal', { kind: 'normal', scale }, 1));
    t.true(Math.abs(m.mean) < (4 * scale) / Math.sqrt(m.n), `mean ${m.mean}`);
    t.true(Math.abs(m.variance / (scale * scale) - 1) < 0.06, `variance ${m.variance}`);
    t.true(Math.abs(m.kurtosis - 3) < 0.25, `kurtosis ${m.kurtosis}`);
  }
  for (const scheme of ['xavier-normal', 'siren'] as const)
    t.true(biases(scheme, { kind: 'zeros' }, 0, 2).every((b) => b === 0));
});

test('the bias rule leaves the weights their scheme: Xavier variance under every bias rule', (t) => {
  for (const bias of [undefined, { kind: 'torch-default' }, { kind: 'normal', scale: 1 }] as BiasInit[]) {
    const x = initParams(layout, 'xavier-normal', 1, new Stream('init', 'w'), bias);
    const w = [...x.subarray(layout.offW[1], layout.offB[1])];
    const m = moments(w);
    t.true(Math.abs(m.variance / (2 / 600) - 1) < 0.02, `${bias?.kind}: ${m.variance}`);
  }
  // Zero biases draw nothing: under Xavier, `zeros` is the scheme's own rule, bit for bit.
  const own = initParams(layout, 'xavier-normal', 1, new Stream('init', 'z'));
  t.deepEqual(initParams(layout, 'xavier-normal', 1, new Stream('init', 'z'), { kind: 'zeros' }), own);
  // Absent, SIREN biases follow SIREN's rule (first layer U(±1/fan_in) = U(±1)), not zeros.
  const siren = biases('siren', undefined, 0, 2);
  t.true(siren.some((b) => b !== 0) && siren.every((b) => Math.abs(b) < 1));
});

test('a network problem draws its biases by biasInit from the task init stream (same seed, same bits)', (t) => {
  const spec = (problem: Record<string, unknown>) => `
name: b
seed: 3
problem: ${JSON.stringify(problem)}
optimizers: [ { kind: newton } ]
seeds: 2
`;
  const tasks = expandStudy(
    parseSpec(spec({ kind: 'pinn-1d', width: 8, biasInit: 'normal', biasScale: 0.5 })),
  ) as OptimizeTask[];
  t.is(tasks[0].problem.biasInit, 'normal');
  const a = taskStart(tasks[0]);
  const b = taskStart(tasks[0]);
  t.deepEqual(a.x0, b.x0);
  t.notDeepEqual(a.x0, taskStart(tasks[1]).x0);
  const { offB, widths } = (a.f as NetworkObjective).net.layout;
  t.true(a.x0.subarray(offB[1], offB[1] + widths[1]).some((v) => v !== 0));
  const zeros = expandStudy(
    parseSpec(spec({ kind: 'pinn-1d', width: 8, biasInit: 'zeros' })),
  ) as OptimizeTask[];
  const z0 = taskStart(zeros[0]);
  t.true(z0.x0.subarray(offB[1], offB[1] + widths[1]).every((v) => v === 0));
});

test('biasScale goes with biasInit: normal only, and the error names it', (t) => {
  for (const kind of ['mlp-regression', 'pinn-1d', 'pinn-2d']) {
    const k = problemKind(kind);
    const missing = k.schema.safeParse({ kind, biasInit: 'normal' });
    t.false(missing.success);
    t.deepEqual(missing.error?.issues[0].path, ['biasScale']);
    const stray = k.schema.safeParse({ kind, biasInit: 'torch-default', biasScale: 1 });
    t.false(stray.success);
    t.deepEqual(stray.error?.issues[0].path, ['biasScale']);
    t.false(k.schema.safeParse({ kind, biasInit: 'uniform' }).success);
    t.true(k.schema.safeParse({ kind, biasInit: 'normal', biasScale: 0.1 }).success);
  }
  t.throws(
    () =>
      parseSpec(`
name: b
seed: 3
problem: { kind: mlp-regression, biasInit: normal }
optimizers: [ { kind: newton } ]
seeds: 1
`),
    { message: /problem\.biasScale: required with biasInit: normal/ },
  );
});

test('every studies/*.yaml spec plans the same tasks (same ids) as before biasInit existed', (t) => {
  // Hashes of the sorted task ids of each spec (contentHash(ids, 32)), as the code before biasInit
  // planned them.
  const before = JSON.parse(readFileSync(join(REPO, 'test/fixtures/plan-hashes.json'), 'utf8')) as Record<
    string,
    { tasks: number; planHash: string }
  >;
  const specs = readdirSync(join(REPO, 'studies')).filter((f) => f.endsWith('.yaml'));
  t.true(Object.keys(before).length >= 15);
  for (const [file, want] of Object.entries(before)) {
    t.true(specs.includes(file), `${file} is gone`);
    const tasks = expandStudy(parseSpec(readFileSync(join(REPO, 'studies', file), 'utf8'), file));
    t.is(tasks.length, want.tasks, file);
    t.is(contentHash(tasks.map((x) => x.id).sort(), 32), want.planHash, file);
  }
});
