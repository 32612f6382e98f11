import { join } from 'node:path';
import { type Table, tableFromIPC, tableToIPC, Vector } from 'apache-arrow';
import test from 'ava';
import { rowsOf, tableFromRows } from '../../coordinator/tables/arrow-io.js';
import type { Column } from '../../shared/study/columns.js';
import { HISTORY_COLUMNS } from '../../shared/study/runs-columns.js';
import { columnCells } from '../../shared/tables/column-cells.js';
import { columnData } from '../../shared/tables/column-data.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { columnByBuilders, tableByBuilders } from '../helpers/arrow-builders.js';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

type Row = Record<string, unknown>;
const col = (name: string, type: Column['type'], nullable = true): Column => ({
  name,
  type,
  nullable,
  doc: '',
});

/** The cells of one column as apache-arrow's builders make them (the reference). */
function viaBuilders(c: Column, rows: readonly Row[]): unknown[] {
  return [...new Vector([columnByBuilders(c, rows)])];
}

/** A cell as comparable bits: floats by their bytes (NaN payloads and -0 count), lists element-wise. */
function bits(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Buffer.from(new Float64Array([v]).buffer).toString('hex');
  if (typeof v === 'object' && 'toArray' in (v as object))
    return Buffer.from(Float64Array.from((v as { toArray(): ArrayLike<number> }).toArray()).buffer).toString(
      'hex',
    );
  return v;
}

function cellsOf(table: Table, name: string): unknown[] {
  return [...table.getChild(name)!].map(bits);
}

const nanPayload = new Float64Array(new BigUint64Array([0x7ff8_0000_dead_beefn]).buffer)[0];

const awkward: Row[] = [
  { f: 1.5, i: 3, b: true, s: 'plain', l: new Float64Array([1, -0, Number.NaN]) },
  { f: null, i: null, b: null, s: null, l: null },
  { f: -0, i: -7, b: false, s: '', l: new Float64Array(0) },
  { f: nanPayload, i: 2 ** 31 - 1, b: true, s: 'ünïcödé ∇²u 🙂', l: [Number.POSITIVE_INFINITY, 2] },
  { f: Number.NEGATIVE_INFINITY, i: 0, b: false, s: 'x'.repeat(1000), l: new Float64Array([nanPayload]) },
  ...Array.from({ length: 13 }, (_, k) => ({
    f: k % 3 === 0 ? null : k / 7,
    i: k % 4 === 0 ? null : k * 1000,
    b: k % 5 === 0 ? null : k % 2 === 0,
    s: k % 6 === 0 ? null : `row ${k}`,
    l: k % 2 === 0 ? null : new Float64Array(k).map((_, j) => j / 3),
  })),
];
const columns = [col('f', 'f64'), col('i', 'i32'), col('b', 'bool'), col('s', 'utf8'), col('l', 'f64[]')];

test('columnData: every cell, null and null count equal the builders’, for every column type', (t) => {
  for (const c of columns) {
    const data = columnData(c, awkward);
    const want = viaBuilders(c, awkward).map(bits);
    t.is(data.length, awkward.length, c.name);
    t.is(data.nullCount, columnByBuilders(c, awkward).nullCount, c.name);
    t.true(data.nullCount > 0, `${c.name}: the fixture has nulls`);
    const table = tableFromRows([c], awkward);
    t.deepEqual(cellsOf(table, c.name), want, c.name);
    // Through the IPC file format and back, as pandas or DuckDB would read it.
    t.deepEqual(cellsOf(tableFromIPC(tableToIPC(table, 'file')), c.name), want, `${c.name} via IPC`);
  }
});

test('columnCells: every cell as get() gives it, for every type, sliced, in several chunks, after IPC', (t) => {
  // Repeated texts (decoded once) beside their neighbours, and one row differing by its last byte.
  const rows: Row[] = [...awkward, ...awkward.slice(0, 6), { s: 'row 1' }, { s: 'row 1' }, { s: 'row 2' }];
  for (const c of columns) {
    const table = tableFromRows([c], rows);
    const viaGet = (v: Vector) =>
      [...v].map((x) => (x !== null && typeof x === 'object' ? Float64Array.from(x as Vector) : x));
    const check = (v: Vector, what: string) => {
      t.deepEqual(columnCells(v).map(bits), viaGet(v).map(bits), `${c.name} ${what}`);
    };
    const v = table.getChild(c.name)!;
    check(v, 'whole');
    check(v.slice(3, 17), 'sliced');
    check(v.concat(v.slice(2, 9), v), 'in chunks');
    check(tableFromIPC(tableToIPC(table, 'stream')).getChild(c.name)!, 'via IPC');
    for (const cell of columnCells(v))
      if (cell !== null && typeof cell === 'object') t.true(cell instanceof Float64Array);
  }
});

test('columnData: a column without nulls has none; all-null and empty columns are valid', (t) => {
  const full = awkward.filter((r) => columns.every((c) => r[c.name] !== null));
  for (const c of columns) {
    t.is(columnData(c, full).nullCount, 0);
    t.deepEqual(cellsOf(tableFromRows([c], full), c.name), viaBuilders(c, full).map(bits));
    const allNull = [{}, {}, {}];
    t.deepEqual(cellsOf(tableFromRows([c], allNull), c.name), [null, null, null]);
    t.is(tableFromRows([c], []).numRows, 0);
  }
});

test('columnData: a null in a non-nullable column is refused, naming the column', (t) => {
  const e = t.throws(() => columnData(col('task_id', 'utf8', false), [{ task_id: 'a' }, { task_id: null }]));
  t.regex(e.message, /column task_id is not nullable but has 1 null/);
});

test('tables of a real study: runs and history equal the builders’ cell by cell, schema as documented', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(dir, [
    'name: column-data',
    'seed: 5',
    'problem: { kind: mlp-regression, width: 3, depth: 2, activation: tanh, target: { kind: sin, k: 1 }, points: 16 }',
    'optimizers: [ { kind: newton, alpha: 0.5, lambda: 1.0e-3 }, { kind: adam } ]',
    'seeds: 6',
    'stop: { gradTol: 1.0e-8, maxIter: 20 }',
    'record: { historyStride: 3, finalParams: true, spectrum: true }',
  ]);
  const out = join(dir, 'out');
  const r = await runCli(['run', spec, '--out', out, '--threads', '1']);
  t.is(r.code, 0, r.stderr);
  for (const [file, cols] of [
    ['runs', STORED_RUN_COLUMNS],
    ['history', HISTORY_COLUMNS],
  ] as const) {
    const table = readTable(out, file);
    t.true(table.numRows >= 12, file);
    const rows = rowsOf(table);
    const rebuilt = tableFromRows(cols, rows);
    const reference = tableByBuilders(cols, rows);
    const fields = (x: Table) => x.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`);
    t.deepEqual(fields(rebuilt), fields(table));
    t.deepEqual(fields(reference), fields(table));
    for (const c of cols) {
      t.deepEqual(cellsOf(rebuilt, c.name), cellsOf(reference, c.name), `${file} ${c.name}`);
      t.deepEqual(cellsOf(rebuilt, c.name), cellsOf(table, c.name), `${file} ${c.name} as read`);
    }
  }
});
