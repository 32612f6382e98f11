import { RecordBatch, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import test from 'ava';
import { Stream } from '../../shared/rng/mod.js';
import { type Column, emptyCell } from '../../shared/study/columns.js';
import { BatchColumns } from '../../shared/tables/batch-columns.js';
import {
  columnBuffersOf,
  ipcFileParts,
  ipcStream,
  recordBatchMessage,
  schemaMessage,
  streamMessages,
} from '../../shared/tables/ipc-messages.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { tableFromRows } from '../../shared/tables/table-of.js';

/** Random cells of every column type: nulls where nullable (none, some, all), texts not all ASCII. */
function randomCells(columns: readonly Column[], n: number, seed: number): Record<string, unknown[]> {
  const stream = new Stream('ipc-messages', seed);
  const rand = () => stream.uniform();
  const texts = ['', 'converged', 'saddle', 'déjà vu', 'a'.repeat(70), '∇L = 0'];
  const cells: Record<string, unknown[]> = {};
  columns.forEach((c, j) => {
    // Per column: no nulls, all nulls or a mix, so bitmaps of each kind meet.
    const mode = c.nullable ? (seed + j) % 3 : 0;
    cells[c.name] = Array.from({ length: n }, () => {
      if (mode === 1 || (mode === 2 && rand() < 0.3)) return null;
      switch (c.type) {
        case 'f64':
          return rand() < 0.1 ? Number.NaN : (rand() - 0.5) * 1e3;
        case 'i32':
          return Math.floor(rand() * 1000) - 500;
        case 'bool':
          return rand() < 0.5;
        case 'utf8':
          return texts[Math.floor(rand() * texts.length)];
        case 'f64[]':
          return Float64Array.from({ length: Math.floor(rand() * 4) }, () => rand());
      }
      throw new Error(`no cells for type ${c.type}`);
    });
  });
  return cells;
}

/** The cells as row objects. */
function rowsOf(cells: Record<string, unknown[]>, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(Object.keys(cells).map((k) => [k, cells[k][i]])),
  );
}

function batchOf(columns: readonly Column[], n: number, seed: number): Table {
  return tableFromRows(columns, rowsOf(randomCells(columns, n, seed), n));
}

const messageOf = (t: Table) =>
  recordBatchMessage(
    t.numRows,
    t.batches[0].data.children.map((d) => columnBuffersOf(d)),
  );

test('recordBatchMessage + ipcStream: the bytes of apache-arrow tableToIPC(stream), every column type', (t) => {
  const schema = schemaMessage(batchOf(STORED_RUN_COLUMNS, 1, 0).schema);
  for (const [n, seed] of [
    [1, 1],
    [7, 2],
    [8, 3],
    [9, 4],
    [1024, 5],
    [333, 6],
  ]) {
    const table = batchOf(STORED_RUN_COLUMNS, n, seed);
    const ours = ipcStream(schema, [messageOf(table)]);
    t.deepEqual(Buffer.from(ours), Buffer.from(tableToIPC(table, 'stream')), `${n} rows`);
  }
});

test('ipcFileParts of several batches, joined: the bytes of apache-arrow tableToIPC(file), read back cell for cell', (t) => {
  const tables = [5, 1024, 17, 1].map((n, i) => batchOf(STORED_RUN_COLUMNS, n, 10 + i));
  const schema = tables[0].schema;
  const whole = new Table(
    schema,
    tables.map((x) => new RecordBatch(schema, x.batches[0].data)),
  );
  const file = Buffer.concat(ipcFileParts(schema, tables.map(messageOf)));
  t.deepEqual(Buffer.from(file), Buffer.from(tableToIPC(whole, 'file')));
  const back = tableFromIPC(file);
  t.is(back.numRows, 5 + 1024 + 17 + 1);
  t.is(back.batches.length, 4);
  t.deepEqual(
    back.toArray().map((r) => JSON.stringify(r)),
    whole.toArray().map((r) => JSON.stringify(r)),
  );
});

test('streamMessages splits a stream into its schema and batch messages; a torn stream is refused', (t) => {
  const a = batchOf(STORED_RUN_COLUMNS, 40, 20);
  const b = batchOf(STORED_RUN_COLUMNS, 3, 21);
  const stream = ipcStream(schemaMessage(a.schema), [messageOf(a), messageOf(b)]);
  const msgs = streamMessages(stream);
  t.is(msgs.length, 3);
  t.deepEqual(
    msgs.map((m) => m.rows),
    [null, 40, 3],
  );
  t.deepEqual(Buffer.from(msgs[1].bytes), Buffer.from(messageOf(a)));
  t.deepEqual(Buffer.from(msgs[2].bytes), Buffer.from(messageOf(b)));
  t.throws(() => streamMessages(stream.subarray(0, stream.byteLength - 100)), { message: /past the end/ });
  t.throws(() => streamMessages(stream.subarray(0, stream.byteLength - 8)), { message: /prefix/ });
});

test('BatchColumns: rows set in place (some rows left empty) stream as tableToIPC writes the same cells', (t) => {
  for (const [n, seed] of [
    [1, 30],
    [13, 31],
    [64, 32],
    [1000, 33],
  ]) {
    const cells = randomCells(STORED_RUN_COLUMNS, n, seed);
    const rows = rowsOf(cells, n);
    const batch = new BatchColumns(STORED_RUN_COLUMNS, n);
    // Every third row keeps its empty cells (NaN, null, '', false …): emptyCell's, as a row maker's.
    const empty = Object.fromEntries(STORED_RUN_COLUMNS.map((c) => [c.name, emptyCell(c)]));
    rows.forEach((row, i) => {
      if (i % 3 === 2) rows[i] = empty;
      else batch.setRow(i, row);
    });
    t.deepEqual(
      Buffer.from(batch.stream()),
      Buffer.from(tableToIPC(tableFromRows(STORED_RUN_COLUMNS, rows), 'stream')),
      `${n} rows`,
    );
    const status = batch.refs('status');
    const ratio = batch.numbers('output_norm_ratio');
    const trivial = batch.bools('trivial');
    for (let i = 0; i < n; i++) {
      t.is(status[i], rows[i].status);
      t.is(ratio.get(i), rows[i].output_norm_ratio as number | null);
      t.is(trivial.get(i), rows[i].trivial as boolean | null);
    }
  }
  t.throws(() => new BatchColumns(STORED_RUN_COLUMNS, 1).numbers('status'), { message: /status is not f64/ });
});

test('BatchColumns with fixed-width ids and list cells in row order: the same bytes; misuse is refused', (t) => {
  const layout = { fixedWidth: { task_id: 20 }, lists: ['initial_params', 'final_params'] };
  for (const [n, seed] of [
    [1, 40],
    [9, 41],
    [700, 42],
  ]) {
    const cells = randomCells(STORED_RUN_COLUMNS, n, seed);
    cells.task_id = cells.task_id.map((_, i) => (i * 2654435761).toString(16).padStart(20, '0').slice(-20));
    const rows = rowsOf(cells, n);
    const batch = new BatchColumns(STORED_RUN_COLUMNS, n, layout);
    const empty = Object.fromEntries(STORED_RUN_COLUMNS.map((c) => [c.name, emptyCell(c)]));
    rows.forEach((row, i) => {
      // Rows left empty keep a placeholder id (the column is not nullable): set that one alone.
      if (i % 4 === 3) {
        rows[i] = { ...empty, task_id: row.task_id };
        batch.fixedText('task_id').set(i, row.task_id as string);
      } else {
        // The latest row may be set again (a fused run's fallback to runTask's row).
        if (i % 5 === 0) batch.setRow(i, rows[Math.max(0, i - 1)]);
        batch.setRow(i, row);
      }
    });
    t.deepEqual(
      Buffer.from(batch.stream()),
      Buffer.from(tableToIPC(tableFromRows(STORED_RUN_COLUMNS, rows), 'stream')),
      `${n} rows`,
    );
  }
  const b = new BatchColumns(STORED_RUN_COLUMNS, 3, layout);
  t.throws(() => b.fixedText('task_id').set(0, 'short'), { message: /20-character ASCII/ });
  b.lists('final_params').set2(2, 1, 2);
  t.throws(() => b.lists('final_params').set2(0, 1, 2), { message: /row order/ });
  t.throws(() => new BatchColumns(STORED_RUN_COLUMNS, 1, { fixedWidth: { seed: 3 } }), { message: /seed/ });
});
