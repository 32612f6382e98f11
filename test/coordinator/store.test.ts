import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Journal } from '../../coordinator/journal.js';
import { ResultSink } from '../../coordinator/sink.js';
import { crc32, crc32Table } from '../../coordinator/store/crc32.js';
import { DoneSet } from '../../coordinator/store/done-set.js';
import { OutDirLock } from '../../coordinator/store/lock.js';
import { StoredResults } from '../../coordinator/store/read.js';
import { commitSegment, recoverSegments, segmentFiles } from '../../coordinator/store/segments.js';
import { tableFromRows } from '../../coordinator/tables/arrow-io.js';
import { baseRow, runTask } from '../../shared/run-task.js';
import { StudyPlan } from '../../shared/study/plan.js';
import type { HistoryColumns, RunResult, RunsBlock } from '../../shared/study/result.js';
import { HISTORY_COLUMNS } from '../../shared/study/runs-columns.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { seedBlockResults } from '../../worker/pool-worker.js';
import { tempDir } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

/** Above Linux's pid_max (2²²): no process has it. */
const DEAD_PID = 2 ** 22 + 12345;

const plan = new StudyPlan(
  parseSpec(
    'name: store\nseed: 1\nproblem: { kind: torus }\noptimizers: [ { kind: newton } ]\nseeds: 100000\n',
  ),
);

/** A run result of plan task i with a history of `iterations` + 1 rows whose values name them. */
function result(i: number, iterations: number): RunResult {
  const task = plan.task(i) as OptimizeTask;
  const row = { ...baseRow(task, { worker: 'test' }), status: 'converged' as const, iterations, loss: i };
  const n = iterations + 1;
  const f = (k: number) => Float64Array.from({ length: n }, (_, j) => i * 1e6 + j + k / 10);
  const history: HistoryColumns = {
    iteration: Int32Array.from({ length: n }, (_, j) => j),
    loss: f(1),
    grad_norm: f(2),
    grad_norm_inner: f(3),
    grad_norm_outer: f(4),
    orthogonality: f(5),
    output_norm_ratio: f(6),
    step_norm: f(7),
    krylov_products: f(8),
    krylov_residual: f(9),
  };
  return { kind: 'run', row, history };
}

test('crc32: node:zlib and the table version agree', (t) => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog');
  t.is(crc32Table(data), 0x414fa339);
  t.is(crc32(data), crc32Table(data));
});

test('done-set: bits per (config, unit), sparse chunks, counts and units in order', (t) => {
  const d = new DoneSet();
  for (const u of [5, 70_000, 3, 2 ** 31 + 7]) t.true(d.add('aaaaaaaaaaaa', u));
  t.false(d.add('aaaaaaaaaaaa', 3));
  t.true(d.add('bbbbbbbbbbbb', 3));
  t.true(d.has('aaaaaaaaaaaa', 70_000));
  t.false(d.has('aaaaaaaaaaaa', 70_001));
  t.false(d.has('cccccccccccc', 3));
  t.is(d.size, 5);
  t.is(d.countOf('aaaaaaaaaaaa'), 4);
  t.deepEqual([...d.units('aaaaaaaaaaaa')], [3, 5, 70_000, 2 ** 31 + 7]);
});

test('journal: a damaged record costs that record only, and the damage is reported', (t) => {
  const path = join(tempDir(), 'results.journal');
  const j = new Journal(path);
  for (let i = 0; i < 50; i++) j.append({ i, pad: 'x'.repeat(30) });
  j.close();
  const buf = readFileSync(path);
  // 40 bytes overwritten in the middle of the file.
  buf.fill(0x41, 1000, 1040);
  writeFileSync(path, buf);
  const scan = Journal.scan<{ i: number }>(path);
  t.true(scan.damage.length >= 1, 'damage reported');
  t.true(scan.records.length >= 47 && scan.records.length < 50, `${scan.records.length} records kept`);
  t.deepEqual(
    scan.records.map((r) => r.i),
    [...new Set(scan.records.map((r) => r.i))].sort((a, b) => a - b),
  );
  t.is(scan.records[scan.records.length - 1].i, 49, 'records after the damage are found');
  // A torn tail is not damage: it is the record a kill cut short.
  truncateSync(path, statSync(path).size - 5);
  const torn = Journal.scan<{ i: number }>(path);
  t.true(torn.tornTail > 0);
  t.is(torn.records[torn.records.length - 1].i, 48);
});

test('segments: a kill between the renames of a commit is finished on recovery; before them, undone', (t) => {
  const dir = tempDir();
  const table = tableFromRows(HISTORY_COLUMNS, []);
  commitSegment(dir, 0, [
    ['history', table],
    ['runs', table],
  ]);
  // Simulate a kill after history's rename: runs' part is still under its temporary name.
  writeFileSync(join(dir, 'runs', '.part-00000001.arrow.tmp'), readFileSync(segmentFiles(dir, 'runs')[0]));
  writeFileSync(join(dir, 'history', 'part-00000001.arrow'), readFileSync(segmentFiles(dir, 'history')[0]));
  // And a kill before any rename of segment 2.
  writeFileSync(join(dir, 'runs', '.part-00000002.arrow.tmp'), 'partial');
  writeFileSync(join(dir, 'history', '.part-00000002.arrow.tmp'), 'partial');
  const notes = recoverSegments(dir, ['history', 'runs']);
  t.is(notes.length, 3, notes.join('\n'));
  t.deepEqual(readdirSync(join(dir, 'runs')).sort(), ['part-00000000.arrow', 'part-00000001.arrow']);
  t.deepEqual(readdirSync(join(dir, 'history')).sort(), ['part-00000000.arrow', 'part-00000001.arrow']);
});

test('sink: more than 200,000 history rows, one run of 130,000 iterations among them, stored and read back', (t) => {
  const dir = tempDir();
  const sink = new ResultSink(dir, { runs: 1000, history: 100_000, trials: 1000, ms: 1e9 });
  const sizes = [130_000, 40_000, 20_000, 15_000];
  for (const [i, n] of sizes.entries()) {
    t.true(sink.add(result(i, n)));
    sink.flush();
  }
  t.false(sink.add(result(0, 3)), 'a second result of a task is dropped');
  sink.close();
  t.false(existsSync(join(dir, 'results.journal')));
  const history = readTable(dir, 'history');
  const total = sizes.reduce((s, n) => s + n + 1, 0);
  t.true(total > 200_000);
  t.is(history.numRows, total);
  const stored = new StoredResults(dir);
  let rows = 0;
  let last = -1;
  for (const h of stored.history()) {
    if (h.task_id === plan.task(0).id) last = Math.max(last, h.iteration as number);
    rows++;
  }
  t.is(rows, total);
  t.is(last, 130_000);
  t.is([...stored.runs()].length, 4);
});

test('sink: results left in the journal by a kill are moved into a segment by the next session, once', (t) => {
  const dir = tempDir();
  const first = new ResultSink(dir);
  for (let i = 0; i < 10; i++) first.add(result(i, 2));
  first.flush();
  // Killed: no close(); the journal and the lock stay behind, the lock naming a process that is gone.
  writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: DEAD_PID, host: hostname(), since: 'then' }));
  const second = new ResultSink(dir);
  t.is(second.size, 10);
  t.is(second.notes.journalRecords, 10);
  for (let i = 5; i < 15; i++) second.add(result(i, 2));
  second.close();
  const ids = readTable(dir, 'runs').getChild('task_id')!.toArray() as string[];
  t.is(ids.length, 15);
  t.is(new Set(ids).size, 15);
  t.is(readTable(dir, 'history').numRows, 45);
});

test('sink: a block journaled as a ref to the pending runs part is recovered from it after a kill; a damaged or missing part is damage, and its tasks run again', (t) => {
  const block = (seeds: number[]) => {
    const b = plan.blockOf(0, seeds);
    return [b, seedBlockResults(b) as RunsBlock] as const;
  };
  const killedWith = (dir: string, seeds: number[][]) => {
    const sink = new ResultSink(dir);
    for (const s of seeds) {
      const [b, runs] = block(s);
      sink.addRunsIpc(b.config, b.seeds, runs);
    }
    sink.flush();
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: DEAD_PID, host: hostname(), since: 'then' }));
  };
  const pendingPart = (dir: string) =>
    readdirSync(join(dir, 'runs'))
      .filter((f) => f.startsWith('.'))
      .map((f) => join(dir, 'runs', f));
  // Whole: both blocks' rows come back from the pending part; the part is gone after recovery.
  const a = tempDir();
  killedWith(a, [
    [0, 1, 2],
    [3, 4],
  ]);
  t.is(pendingPart(a).length, 1, 'the pending part is on disk before any commit');
  const back = new ResultSink(a);
  t.is(back.size, 5);
  t.deepEqual(back.notes.journalDamage, []);
  back.close();
  t.deepEqual(pendingPart(a), []);
  t.deepEqual(
    (Array.from(readTable(a, 'runs').getChild('seed')!.toArray()) as number[]).sort(),
    [0, 1, 2, 3, 4],
  );
  // A byte of the second block flipped: that block is damage (named), the first is kept.
  const b = tempDir();
  killedWith(b, [
    [0, 1, 2],
    [3, 4],
  ]);
  const [part] = pendingPart(b);
  const bytes = readFileSync(part);
  bytes[bytes.length - 10] ^= 0xff;
  writeFileSync(part, bytes);
  const mended = new ResultSink(b);
  t.is(mended.size, 3);
  t.is(mended.notes.journalDamage.length, 1);
  t.regex(mended.notes.journalDamage[0].reason, /checksum/);
  mended.close();
  // The part removed: every block is damage, none is counted done.
  const c = tempDir();
  killedWith(c, [[7, 8]]);
  for (const p of pendingPart(c)) rmSync(p);
  const lost = new ResultSink(c);
  t.is(lost.size, 0);
  t.regex(lost.notes.journalDamage[0]?.reason ?? '', /neither committed nor left pending/);
  lost.close();
});

test('lock: a second writer of an out dir is refused, naming the holder', (t) => {
  const dir = tempDir();
  const a = OutDirLock.acquire(dir);
  const e = t.throws(() => OutDirLock.acquire(dir));
  t.regex(e!.message, new RegExp(`in use by process ${process.pid}`));
  a.release();
  OutDirLock.acquire(dir).release();
  // A lock left by a process that is gone is taken over.
  writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: DEAD_PID, host: hostname(), since: 'then' }));
  t.notThrows(() => OutDirLock.acquire(dir).release());
});

test('sink: a seed block’s runs as Arrow IPC are written once to the pending runs part and journaled as refs, committed beside row results, recovered after a kill; a repeated block adds nothing', (t) => {
  const dir = tempDir();
  // The pool thread's own entry point: tasks built from the block, rows encoded as IPC.
  const blockOf = (seeds: number[]) => plan.blockOf(0, seeds);
  const add = (sink: ResultSink, seeds: number[]) => {
    const block = blockOf(seeds);
    const out = seedBlockResults(block);
    if (Array.isArray(out)) throw new Error('a block without history leaves as IPC');
    return sink.addRunsIpc(block.config, block.seeds, out).reduce((n, [, k]) => n + k, 0);
  };
  const first = new ResultSink(dir);
  t.is(add(first, [0, 1, 2, 3, 4, 5, 6, 7]), 8);
  // A stream that does not hold the block's seeds is refused, naming both counts.
  const wrong = seedBlockResults(blockOf([20, 21])) as RunsBlock;
  t.throws(() => first.addRunsIpc(blockOf([0]).config, [20, 21, 22], wrong), {
    message: /3 seeds came back as an IPC stream of 2 rows/,
  });
  first.add(result(8, 2));
  // One segment with both: row results' batch and the block's.
  first.close();
  const second = new ResultSink(dir);
  t.is(second.size, 9);
  t.is(add(second, [0, 1, 2, 3]), 0, 'every (config, seed) of the block is stored already');
  t.is(add(second, [8, 9, 10]), 2, 'seed 8 is stored: only 9 and 10 are new');
  t.is(add(second, [11, 12]), 2);
  second.add(result(13, 2));
  second.flush();
  // Killed: no close(); the next session takes the IPC record and the row results from the journal.
  writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: DEAD_PID, host: hostname(), since: 'then' }));
  const third = new ResultSink(dir);
  t.is(third.size, 14);
  t.is(third.notes.journalRecords, 5);
  third.close();
  const table = readTable(dir, 'runs');
  t.deepEqual(
    (Array.from(table.getChild('seed')!.toArray()) as number[]).sort((a, b) => a - b),
    Array.from({ length: 14 }, (_, i) => i),
  );
  // Each IPC row equals runTask's row for its task (but where and how long it ran).
  const alone = (seed: number) => runTask(plan.task(seed), { worker: 'test', lean: true }).row;
  for (const r of new StoredResults(dir).runs()) {
    if (r.seed === 8 || r.seed === 13) continue;
    const want = alone(r.seed) as unknown as Record<string, unknown>;
    for (const c of STORED_RUN_COLUMNS)
      if (!['wall_ms', 'worker'].includes(c.name))
        t.deepEqual(r[c.name as keyof typeof r], want[c.name], `seed ${r.seed}: ${c.name}`);
  }
});
