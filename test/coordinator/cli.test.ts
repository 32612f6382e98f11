import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { HISTORY_COLUMNS } from '../../shared/study/runs-columns.js';
import { arrowSchema } from '../../shared/tables/arrow-schema.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { runCli, slowTorusSpec, startRunUntilJournal, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

const spec = (extra = '') => `
name: cli-test
seed: 11
problem: { kind: torus }
optimizers: [ { kind: newton }, { kind: saddle-free-newton }, { kind: bfgs } ]
seeds: 15
stop: { gradTol: 1.0e-10, maxIter: 100 }
record: { historyStride: 5 }
${extra}`;

/** Rows as JSON-comparable objects without the columns that depend on where and when they ran. */

test('run with 1 and with 2 threads: identical rows; tables have the documented schema', async (t) => {
  const dir = tempDir();
  const p = writeSpec(dir, spec());
  const [one, two] = [join(dir, 'one'), join(dir, 'two')];
  const r1 = await runCli(['run', p, '--out', one, '--threads', '1']);
  const r2 = await runCli(['run', p, '--out', two, '--threads', '2']);
  t.is(r1.code, 0, r1.stderr);
  t.is(r2.code, 0, r2.stderr);
  t.deepEqual(reproducibleRows(one), reproducibleRows(two));
  const runs = readTable(one);
  t.is(runs.numRows, 45);
  const want = arrowSchema(STORED_RUN_COLUMNS).fields.map((f) => `${f.name}:${f.type}:${f.nullable}`);
  t.deepEqual(
    runs.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`),
    want,
  );
  const history = readTable(one, 'history');
  t.deepEqual(
    history.schema.fields.map((f) => f.name),
    HISTORY_COLUMNS.map((c) => c.name),
  );
  t.true(history.numRows > 45);
  t.true(existsSync(join(one, 'study.json')));
  t.false(existsSync(join(one, 'results.journal')));
  t.regex(r1.stdout, /newton/);

  // summary --json agrees with an independent recount from the Arrow table.
  const s = await runCli(['summary', one, '--json']);
  t.is(s.code, 0, s.stderr);
  const json = JSON.parse(s.stdout);
  const rows = runs.toArray().map((r) => r.toJSON());
  for (const g of json.groups) {
    const mine = rows.filter((r) => r.optimizer === g.optimizer);
    t.is(g.runs, mine.length);
    const conv = mine.filter((r) => r.status === 'converged');
    t.is(g.status.converged.count, conv.length);
    t.is(g.point_class.saddle.count, conv.filter((r) => r.point_class === 'saddle').length);
    t.is(g.point_class.minimum.count, conv.filter((r) => r.point_class === 'minimum').length);
  }
  // Rerunning into the same dir runs nothing and duplicates nothing.
  const again = await runCli(['run', p, '--out', one]);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stderr, /45 already done, 0 to run/);
  t.is(readTable(one).numRows, 45);

  // replay reproduces a stored row bit for bit, with its trace.
  const id = String(rows[4].task_id);
  const rep = await runCli(['replay', one, id.slice(0, 8)]);
  t.is(rep.code, 0, rep.stdout + rep.stderr);
  t.regex(rep.stdout, /reproduced bit for bit/);
  t.regex(rep.stdout, /^iter\s+loss/m);
});

test('a malformed spec is refused with the field, exit code 2, and nothing written', async (t) => {
  const dir = tempDir();
  const p = writeSpec(dir, spec().replace('{ kind: newton }', '{ kind: newton, lambda: -1 }'));
  const out = join(dir, 'out');
  const r = await runCli(['run', p, '--out', out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /optimizers\[0\]\.lambda: must be >= 0/);
  t.false(existsSync(out));
  const missing = await runCli(['run', join(dir, 'nope.yaml'), '--out', out]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /cannot read study spec .*nope\.yaml: ENOENT/);
  const flag = await runCli(['run', p, '--threads', '0']);
  t.is(flag.code, 2);
  t.regex(flag.stderr, /--threads must be a positive integer/);
  const unknown = await runCli(['run', p, '--colour']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /unknown option '--colour'/);
  t.false(existsSync(out));
});

test('a different spec into an out dir that holds rows is refused, and its rows are kept', async (t) => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const first = await runCli(['run', writeSpec(dir, spec()), '--out', out, '--threads', '1']);
  t.is(first.code, 0, first.stderr);
  const segment = join(out, 'runs', 'part-00000000.arrow');
  const before = readFileSync(segment);
  const r = await runCli(['run', writeSpec(dir, spec().replace('seed: 11', 'seed: 12')), '--out', out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /holds study 'cli-test' with another plan/);
  t.deepEqual(readFileSync(segment), before);
  const resumeNothing = await runCli([
    'run',
    writeSpec(dir, spec()),
    '--out',
    join(dir, 'empty'),
    '--resume',
  ]);
  t.is(resumeNothing.code, 2);
  t.regex(resumeNothing.stderr, /holds no study to resume/);
});

test('SIGKILL midway, then rerun: every task ends with exactly one row', async (t) => {
  const dir = tempDir();
  // ADAM with a tiny rate runs to its iteration cap: slow enough to be killed midway.
  const p = slowTorusSpec(dir, 'kill-test', 3, 400);
  const out = join(dir, 'out');
  const { child, done, journal } = await startRunUntilJournal(p, out, 2, { ms: 120_000, bytes: 20_000 });
  child.kill('SIGKILL');
  const killed = await done;
  t.is(killed.signal, 'SIGKILL');
  t.true(existsSync(journal), 'killed before the end: the results since the last segment are in the journal');
  const partial = await runCli(['summary', out, '--json']);
  const kept = JSON.parse(partial.stdout).rows as number;
  t.true(kept > 0 && kept < 400, `rows kept after the kill: ${kept}`);
  const resumed = await runCli(['run', p, '--out', out, '--threads', '2']);
  t.is(resumed.code, 0, resumed.stderr);
  t.regex(resumed.stderr, new RegExp(`${kept} already done, ${400 - kept} to run`));
  const ids = readTable(out).getChild('task_id')!.toArray() as string[];
  t.is(ids.length, 400);
  t.is(new Set(ids).size, 400);
});

test('--help on each command exits 0', async (t) => {
  for (const cmd of [[], ['run'], ['summary'], ['replay']]) {
    const r = await runCli([...cmd, '--help']);
    t.is(r.code, 0);
    t.regex(r.stdout, /Usage: saddlescope/);
  }
});

test('SIGINT: the tasks in flight finish, the tables are written, exit 1; a rerun completes the study', async (t) => {
  const dir = tempDir();
  const p = slowTorusSpec(dir, 'int-test', 4, 400);
  const out = join(dir, 'out');
  const { child, done, journal } = await startRunUntilJournal(p, out, 2, { ms: 120_000, bytes: 20_000 });
  child.kill('SIGINT');
  const r = await done;
  t.is(r.code, 1);
  t.regex(r.stderr, /interrupted: stopping after the tasks in flight/);
  const kept = readTable(out).numRows;
  t.true(kept > 0 && kept < 400, `rows after SIGINT: ${kept}`);
  t.false(existsSync(journal));
  const resumed = await runCli(['run', p, '--out', out, '--threads', '2']);
  t.is(resumed.code, 0, resumed.stderr);
  const ids = readTable(out).getChild('task_id')!.toArray() as string[];
  t.is(new Set(ids).size, 400);
  t.is(ids.length, 400);
});
