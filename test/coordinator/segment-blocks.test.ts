import { readFileSync } from 'node:fs';
import { type Table, tableFromIPC } from 'apache-arrow';
import test from 'ava';
import { ResultSink } from '../../coordinator/sink.js';
import { segmentFiles } from '../../coordinator/store/segments.js';
import { baseRow } from '../../shared/run-task.js';
import { StudyPlan } from '../../shared/study/plan.js';
import type { RunResult, RunsBlock } from '../../shared/study/result.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { tableFromRows } from '../../shared/tables/table-of.js';
import { seedBlockResults } from '../../worker/pool-worker.js';
import { tempDir } from '../helpers/cli.js';

const plan = new StudyPlan(
  parseSpec(
    'name: segment\nseed: 4\nproblem: { kind: torus }\noptimizers: [ { kind: newton } ]\nseeds: 5000\nrecord: { eigenvalues: true }\n',
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

test('a segment put together from seed blocks’ messages and row results holds their cells, one batch each', (t) => {
  const dir = tempDir();
  const sink = new ResultSink(dir);
  const sizes = [13, 256, 1, 77, 8, 1024, 3];
  const want: unknown[][] = [];
  let from = 0;
  for (const n of sizes) {
    const block = plan.blockOf(
      0,
      Array.from({ length: n }, (_, i) => from + i),
    );
    const out = seedBlockResults(block) as RunsBlock;
    want.push(...cells(tableFromIPC(out.ipc)));
    t.is(
      sink.addRunsIpc(block.config, block.seeds, out).reduce((s, [, k]) => s + k, 0),
      n,
    );
    from += n;
  }
  // Error rows from row objects: their nullable columns are null, unlike the blocks' (bitmaps of
  // all ones, all zeros and mixed meet at byte and non-byte boundaries). The sink writes them as
  // the segment's last batch, after the blocks' (written as they came).
  const rows = [1, 2, 3, 4, 5].map((i) => baseRow(plan.task(from + i) as OptimizeTask, { worker: 'x' }));
  for (const row of rows) sink.add({ kind: 'run', row, history: null } satisfies RunResult);
  want.push(...cells(tableFromRows(STORED_RUN_COLUMNS, rows as unknown as Record<string, unknown>[])));
  sink.close();
  const files = segmentFiles(dir, 'runs');
  t.is(files.length, 1);
  const back = tableFromIPC(readFileSync(files[0]));
  t.is(back.batches.length, sizes.length + 1);
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
