import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

const spec = (extra = '') =>
  `name: extend\nseed: 9\nproblem: { kind: torus }\noptimizers: [ { kind: newton }, { kind: bfgs } ]\nseeds: 30\nstop: { maxIter: 100 }\nrecord: { historyStride: 1 }\n${extra}`;

/** The study with a sweep value added (two variants) at 50 seeds, run into `out`. */
const runSwept = (dir: string, out: string) =>
  runCli(['run', writeSpec(dir, spec('sweep: { e: [1.5, 2] }\n')), '--out', out, '--seeds', '50']);

test('extend a study: more seeds run only the new tasks; its rows equal a study planned whole', async (t) => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const first = await runCli(['run', writeSpec(dir, spec()), '--out', out, '--threads', '1']);
  t.is(first.code, 0, first.stderr);
  const more = await runCli(['run', writeSpec(dir, spec()), '--out', out, '--seeds', '50', '--threads', '2']);
  t.is(more.code, 0, more.stderr);
  t.regex(more.stderr, /100 tasks, 60 already done, 40 to run/);
  const ids = readTable(out).getChild('task_id')!.toArray() as string[];
  t.is(ids.length, 100);
  t.is(new Set(ids).size, 100);
  const manifest = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
  t.is(manifest.tasks, 100);
  t.is(manifest.extended.length, 1);
  // A sweep value added: the old variant's tasks are kept, the new variant's run.
  const swept = await runSwept(dir, out);
  t.is(swept.code, 0, swept.stderr);
  t.regex(swept.stderr, /200 tasks, 100 already done, 100 to run/);
  // The same rows as the whole plan run at once (but for where and when they ran).
  const whole = join(dir, 'whole');
  const w = await runSwept(dir, whole);
  t.is(w.code, 0, w.stderr);
  t.deepEqual(reproducibleRows(out), reproducibleRows(whole));
  t.deepEqual(reproducibleRows(out, 'history'), reproducibleRows(whole, 'history'));
  t.true(readdirSync(join(out, 'runs')).length >= 3, 'each session added segments, none rewritten');
});

test('a plan that drops or changes done tasks is refused, naming what differs; nothing is written', async (t) => {
  const dir = tempDir();
  const out = join(dir, 'out');
  t.is((await runCli(['run', writeSpec(dir, spec()), '--out', out, '--threads', '1'])).code, 0);
  const before = readdirSync(join(out, 'runs'));
  const fewer = await runCli(['run', writeSpec(dir, spec()), '--out', out, '--seeds', '10']);
  t.is(fewer.code, 2);
  t.regex(fewer.stderr, /seed 10 is done but not in the new plan's seeds \(changed: seeds: 30 → 10\)/);
  const changed = await runCli([
    'run',
    writeSpec(dir, spec().replace('maxIter: 100', 'maxIter: 50')),
    '--out',
    out,
  ]);
  t.is(changed.code, 2);
  t.regex(
    changed.stderr,
    /done runs of torus .* are not in the new plan \(changed: stop\.maxIter: 100 → 50\)/,
  );
  t.deepEqual(readdirSync(join(out, 'runs')), before);
});

test('seed blocks: a study run 256 seeds a message has the rows of one seed a message, bit for bit', async (t) => {
  const dir = tempDir();
  const base = spec().replace('seeds: 30', 'seeds: 600');
  const alone = join(dir, 'alone');
  const blocks = join(dir, 'blocks');
  const a = await runCli(['run', writeSpec(dir, `${base}block: 1\n`), '--out', alone, '--threads', '2']);
  t.is(a.code, 0, a.stderr);
  const b = await runCli(['run', writeSpec(dir, base), '--out', blocks, '--threads', '2']);
  t.is(b.code, 0, b.stderr);
  const rows = reproducibleRows(alone);
  t.is(rows.length, 1200);
  t.deepEqual(reproducibleRows(blocks), rows);
  t.deepEqual(reproducibleRows(blocks, 'history'), reproducibleRows(alone, 'history'));
});
