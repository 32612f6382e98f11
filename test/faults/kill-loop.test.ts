import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import test, { type ExecutionContext } from 'ava';
import { collect, runCli, startCli, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

/** Segments every 40 runs, so kills land during segment writes as well as between them. */
const OFTEN = { SADDLESCOPE_SEGMENT_RUNS: '40', SADDLESCOPE_SEGMENT_HISTORY: '400' };
const SPEC = `name: kill-loop\nseed: 8\nproblem: { kind: torus }\noptimizers: [ { kind: newton }, { kind: bfgs } ]\nseeds: 1500\nstop: { maxIter: 60 }\nrecord: { historyStride: 1 }\nblock: 8\n`;

/** A fixed sequence of delays (a small LCG): the test kills at the same moments every run. */
function* delays(n: number): Generator<number> {
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield 300 + (x % 1700);
  }
}

/** Starts `run` of a spec and SIGKILLs it after each delay in turn; how many runs the kills stopped. */
async function killAtMoments(
  t: ExecutionContext,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  waits: Iterable<number>,
): Promise<number> {
  let kills = 0;
  for (const ms of waits) {
    const child = startCli(['run', ...args], env);
    const done = collect(child);
    await new Promise((r) => setTimeout(r, ms));
    child.kill('SIGKILL');
    const r = await done;
    if (r.signal === 'SIGKILL') kills++;
    else t.is(r.code, 0, r.stderr);
  }
  t.log(`${kills} of 20 runs killed before they finished`);
  return kills;
}

test('a local study SIGKILLed at 20 moments then resumed: every task and history row once, as an uninterrupted run', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(dir, SPEC);
  const out = join(dir, 'killed');
  const kills = await killAtMoments(t, [spec, '--out', out, '--threads', '2'], OFTEN, delays(20));
  t.true(kills >= 10);
  const last = await runCli(['run', spec, '--out', out, '--threads', '2'], OFTEN);
  t.is(last.code, 0, last.stderr);
  const whole = join(dir, 'whole');
  const w = await runCli(['run', spec, '--out', whole, '--threads', '2']);
  t.is(w.code, 0, w.stderr);
  const rows = reproducibleRows(out);
  t.is(rows.length, 3000);
  t.is(new Set(rows.map((r) => r.task_id)).size, 3000);
  t.deepEqual(rows, reproducibleRows(whole));
  t.deepEqual(reproducibleRows(out, 'history'), reproducibleRows(whole, 'history'));
  t.true(readdirSync(join(out, 'runs')).length > 20, 'many segments were committed');
  t.false(
    readdirSync(join(out, 'runs')).some((f) => f.startsWith('.')),
    'no temporary left after the last run',
  );
  // DuckDB reads what apache-arrow reads (through the Parquet export).
  t.is((await runCli(['export', out, '--format', 'parquet'])).code, 0);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const n = await db.runAndReadAll(
    `SELECT count(*)::INTEGER AS n, count(DISTINCT task_id)::INTEGER AS d FROM read_parquet('${join(out, 'export', 'history', '*.parquet')}')`,
  );
  const h = readTable(out, 'history').numRows;
  t.deepEqual(n.getRowObjects()[0], { n: h, d: 3000 });
});

/** Seed blocks without history: their runs go to the pending runs part, the journal holds refs. */
const BLOCKS = `name: kill-blocks\nseed: 5\nproblem: { kind: torus }\noptimizers: [ { kind: newton }, { kind: bfgs } ]\nseeds: 60000\nrecord: { finalParams: true }\n`;

test('seed blocks SIGKILLed at 20 moments during pending-part and segment writes then resumed: every run once, as an uninterrupted run', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(dir, BLOCKS);
  const out = join(dir, 'killed');
  const often = { SADDLESCOPE_SEGMENT_RUNS: '3000' };
  // One thread and shorter waits: a run takes long enough for most kills to land in it.
  const waits = [...delays(20)].map((ms) => 200 + (ms % 900));
  const kills = await killAtMoments(t, [spec, '--out', out, '--threads', '1'], often, waits);
  t.true(kills >= 8);
  const last = await runCli(['run', spec, '--out', out, '--threads', '2'], often);
  t.is(last.code, 0, last.stderr);
  t.notRegex(last.stderr, /damaged/, 'no journal record was lost');
  const whole = join(dir, 'whole');
  t.is((await runCli(['run', spec, '--out', whole, '--threads', '2'])).code, 0);
  const rows = reproducibleRows(out);
  t.is(rows.length, 120000);
  t.is(new Set(rows.map((r) => r.task_id)).size, 120000);
  t.deepEqual(rows, reproducibleRows(whole));
  t.false(
    readdirSync(join(out, 'runs')).some((f) => f.startsWith('.')),
    'no pending part or temporary left after the last run',
  );
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  t.is((await runCli(['export', out, '--format', 'parquet'])).code, 0);
  const n = await db.runAndReadAll(
    `SELECT count(*)::INTEGER AS n, count(DISTINCT task_id)::INTEGER AS d FROM read_parquet('${join(out, 'export', 'runs', '*.parquet')}')`,
  );
  t.deepEqual(n.getRowObjects()[0], { n: 120000, d: 120000 });
});
