import { tableFromIPC, tableToIPC } from 'apache-arrow';
import test from 'ava';
import { Stream } from '../../shared/rng/mod.js';
import { emptyCell } from '../../shared/study/columns.js';
import { OutcomeTallier, type RunRow } from '../../shared/study/result.js';
import { BatchColumns } from '../../shared/tables/batch-columns.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { tableFromRows } from '../../shared/tables/table-of.js';

test('OutcomeTallier: the counts of a joined-text tally, each outcome once, in the order first seen', (t) => {
  const stream = new Stream('outcome-tallier', 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(stream.uniform() * xs.length)];
  const statuses: RunRow['status'][] = ['converged', 'max_iter', 'diverged', 'error'];
  const classes: RunRow['point_class'][] = ['minimum', 'saddle', 'maximum', null];
  const ratios = [null, 0, -0, Number.NaN, 1e-9, 0.5];
  const trivials = [null, true, false];
  const tally = new OutcomeTallier();
  const expected = new Map<string, number>();
  for (let i = 0; i < 5000; i++) {
    const o = [pick(statuses), pick(classes), pick(ratios), pick(trivials)] as const;
    tally.add(...o);
    const key = o.map(String).join('|');
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const got = tally
    .tally()
    .map(([f, n]) => [[f.status, f.point_class, f.output_norm_ratio, f.trivial].map(String).join('|'), n]);
  t.deepEqual(got, [...expected]);
  t.true(got.length > 100, 'most combinations met');
});

test('BatchColumns: a text column with one text in every cell (a block constant) streams as tableToIPC writes it', (t) => {
  for (const n of [1, 2, 3, 7, 8, 1000, 1025]) {
    const rows = Array.from({ length: n }, (_, i) => ({
      ...Object.fromEntries(STORED_RUN_COLUMNS.map((c) => [c.name, emptyCell(c)])),
      config: 'déjà-vu·∇',
      status: 'converged',
      seed: i,
    }));
    const batch = new BatchColumns(STORED_RUN_COLUMNS, n);
    rows.forEach((r, i) => {
      batch.setRow(i, r);
    });
    const ours = batch.stream();
    t.deepEqual(
      Buffer.from(ours),
      Buffer.from(tableToIPC(tableFromRows(STORED_RUN_COLUMNS, rows), 'stream')),
      `${n} rows`,
    );
    t.deepEqual(
      tableFromIPC(ours).getChild('config')?.toArray(),
      rows.map((r) => r.config),
    );
  }
});
