import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { collect, runCli, startCli, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

/**
 * `saddlescope compact`: many small segments rewritten as few, the rows (and their order) and the
 * history unchanged; SIGKILLed at any moment, the next `compact` (or `run`) recovers it with every
 * row once, and readers refuse an interrupted compaction instead of counting rows twice.
 */

const SMALL = { SADDLESCOPE_SEGMENT_RUNS: '50', SADDLESCOPE_SEGMENT_HISTORY: '500' };
const SPEC = `name: compact\nseed: 3\nproblem: { kind: torus }\noptimizers: [ { kind: newton }, { kind: bfgs } ]\nseeds: 3000\nstop: { maxIter: 60 }\nrecord: { historyStride: 1 }\nblock: 50\n`;

/** Rows as JSON, in stored order. */
const rowsOf = (dir: string, table: string) =>
  readTable(dir, table)
    .toArray()
    .map((r) =>
      JSON.stringify(r.toJSON(), (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)),
    );

const parts = (dir: string, table: string) =>
  readdirSync(join(dir, table)).filter((f) => /^part-/.test(f)).length;

test('compact: segments merged, rows and history unchanged and in order; killed at 12 moments, recovered once', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(dir, SPEC);
  const out = join(dir, 'out');
  const r = await runCli(['run', spec, '--out', out, '--threads', '2'], SMALL);
  t.is(r.code, 0, r.stderr);
  t.true(parts(out, 'runs') >= 100, `${parts(out, 'runs')} runs segments`);
  const runs = rowsOf(out, 'runs');
  const history = rowsOf(out, 'history');
  t.is(runs.length, 6_000);
  // The same study compacted whole, for comparison; and the one to kill.
  const whole = join(dir, 'whole');
  cpSync(out, whole, { recursive: true });
  const c = await runCli(['compact', whole]);
  t.is(c.code, 0, c.stderr);
  t.regex(c.stdout, /: \d+ segment\(s\) → 1; 6000 rows/);
  t.is(parts(whole, 'runs'), 1);
  t.is(parts(whole, 'history'), 1);
  t.deepEqual(rowsOf(whole, 'runs'), runs, 'runs rows in their order');
  t.deepEqual(rowsOf(whole, 'history'), history);
  // The uncompacted study, to start again from whenever a compaction gets to its end.
  const original = join(dir, 'original');
  cpSync(out, original, { recursive: true });
  let kills = 0;
  let refused = 0;
  for (let k = 0; k < 12; k++) {
    const child = startCli(['compact', out]);
    const done = collect(child);
    // Each kill lands in the rewrite: once the compaction's plan file is there, after a delay that
    // grows with k (timing alone missed it under the load of a whole test run).
    const plan = join(out, '.compaction.json');
    const deadline = Date.now() + 60_000;
    while (!existsSync(plan) && child.exitCode === null && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 2));
    await new Promise((res) => setTimeout(res, 30 * k));
    child.kill('SIGKILL');
    const ended = await done;
    if (ended.signal === 'SIGKILL') kills++;
    // A reader between kills: the tables whole, or a refusal naming the compaction — never rows twice.
    const s = await runCli(['summary', out, '--json']);
    if (s.code === 0) t.is(JSON.parse(s.stdout).rows, 6_000, s.stdout);
    else {
      refused++;
      t.regex(s.stderr, /a compaction was interrupted; `saddlescope compact/);
    }
    if (ended.code === 0) {
      rmSync(out, { recursive: true });
      cpSync(original, out, { recursive: true });
    }
  }
  t.log(
    `${kills} of 12 compactions killed; ${refused} killed while rewriting (readers refused the dir until recovered)`,
  );
  t.true(refused >= 3, 'kills landed in the middle of a compaction');
  const last = await runCli(['compact', out]);
  t.is(last.code, 0, last.stderr);
  t.deepEqual(rowsOf(out, 'runs'), runs);
  t.deepEqual(rowsOf(out, 'history'), history);
  t.false(
    readdirSync(out).some((f) => f.startsWith('.compaction')),
    'no compaction plan left',
  );
  // A compacted study resumes and extends as before: a rerun runs nothing.
  const again = await runCli(['run', spec, '--out', out]);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stderr, /0 tasks run now; 6000\/6000 rows/);
});

test('compact refuses what is not an out dir, naming it', async (t) => {
  const dir = tempDir();
  const r = await runCli(['compact', dir]);
  t.is(r.code, 2);
  t.regex(r.stderr, /is not a saddlescope out dir \(no study\.json\)/);
});
