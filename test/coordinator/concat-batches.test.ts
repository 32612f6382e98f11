import { RecordBatch, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import test from 'ava';
import { baseRow } from '../../shared/run-task.js';
import { StudyPlan } from '../../shared/study/plan.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import { concatBatches } from '../../shared/tables/concat-batches.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { tableFromRows } from '../../shared/tables/table-of.js';
import { seedBlockResults } from '../../worker/pool-worker.js';

const plan = new StudyPlan(
  parseSpec(
    'name: concat\nseed: 4\nproblem: { kind: torus }\noptimizers: [ { kind: newton } ]\nseeds: 5000\nrecord: { eigenvalues: true }\n',
  ),
);

/** Every cell as apache-arrow's get() reads it, lists as plain arrays. */
function cells(table: Table): unknown[][] {
  return table.toArray().map((r) =>
    STORED_RUN_COLUMNS.map((c) => {
      const v = r[c.name];
      return v !== null && typeof v === 'object' ? Array.from(v as ArrayLike<number>) : v;
    }),
  );
}

test('concatBatches: seed blocks of odd sizes and row batches with nulls join into one batch of the same cells', (t) => {
  const seeds = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  const sizes = [13, 256, 1, 77, 8, 1024, 3];
  const batches = [];
  let from = 0;
  for (const n of sizes) {
    batches.push(...tableFromIPC(seedBlockResults(plan.blockOf(0, seeds(from, n))) as Uint8Array).batches);
    from += n;
  }
  // Error rows from row objects: their nullable columns are null, unlike the blocks' (bitmaps of
  // all ones, all zeros and mixed meet at byte and non-byte boundaries).
  const rows = [1, 2, 3, 4, 5].map((i) => baseRow(plan.task(from + i) as OptimizeTask, { worker: 'x' }));
  const errors = tableFromRows(STORED_RUN_COLUMNS, rows as unknown as Record<string, unknown>[]);
  batches.splice(2, 0, ...errors.batches);
  // One schema object for all, as the sink gives them (a decoded schema's types are other classes).
  const schema = errors.schema;
  const same = batches.map((b) => new RecordBatch(schema, b.data));
  const chunked = new Table(schema, same);
  const joined = concatBatches(schema, same);
  if (!joined) return t.fail('every stored column type is handled');
  t.is(joined.numRows, chunked.numRows);
  // Written and read back as a segment is: an IPC file of one batch.
  const back = tableFromIPC(tableToIPC(new Table(schema, joined), 'file'));
  t.is(back.batches.length, 1);
  const want = cells(chunked);
  const got = cells(back);
  t.is(got.length, want.length);
  let diffs = 0;
  for (let i = 0; i < want.length; i++)
    for (let c = 0; c < want[i].length; c++)
      if (JSON.stringify(got[i][c]) !== JSON.stringify(want[i][c]) && diffs++ < 5)
        t.fail(`row ${i}, ${STORED_RUN_COLUMNS[c].name}: ${got[i][c]} vs ${want[i][c]}`);
  t.is(diffs, 0);
  t.true(
    want.some((r) => r[STORED_RUN_COLUMNS.findIndex((c) => c.name === 'point_class')] === null),
    'some nulls',
  );
});
