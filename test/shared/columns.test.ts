import test from 'ava';
import { failureResult } from '../../shared/failure-row.js';
import { runTask } from '../../shared/run-task.js';
import {
  type Column,
  column,
  columnNames,
  emptyRow,
  markdownTable,
  type RowOf,
} from '../../shared/study/columns.js';
import { expandStudy } from '../../shared/study/plan.js';
import type { HistoryColumns, RunRow, TrialsRow } from '../../shared/study/result.js';
import { type HISTORY_COLUMNS, RUN_COLUMNS } from '../../shared/study/runs-columns.js';
import { parseSpec } from '../../shared/study/spec.js';
import { TASK_ID, TASK_ID_CHARS } from '../../shared/study/task-id.js';
import { TRIAL_COLUMNS } from '../../shared/study/trials-columns.js';
import { decodeWorkerMessage, encodeResultMessage } from '../../shared/study/wire.js';

// The row types come from the column lists: a wrong mapping fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesDerived: [
  Same<RunRow['status'], 'converged' | 'max_iter' | 'diverged' | 'error'>,
  Same<RunRow['point_class'], 'minimum' | 'maximum' | 'saddle' | 'degenerate' | null>,
  Same<RunRow['loss'], number>,
  Same<RunRow['trivial'], boolean | null>,
  Same<RunRow['final_params'], Float64Array | null>,
  Same<TrialsRow['ensemble'], 'paper' | 'goe'>,
  Same<HistoryColumns['iteration'], Int32Array>,
  Same<keyof HistoryColumns, Exclude<(typeof HISTORY_COLUMNS)[number]['name'], 'task_id'>>,
] = [true, true, true, true, true, true, true, true];
void typesDerived;

const torus = expandStudy(
  parseSpec('name: cols\nseed: 1\nproblem: { kind: torus }\noptimizers: [ { kind: newton } ]\nseeds: 1\n'),
)[0];
const trials = expandStudy(
  parseSpec('name: cols-trials\nseed: 1\ntrials: { ensembles: [goe], n: [4], trials: 10 }\n'),
)[0];

test('a new column is one entry: its row field, empty cell, wire check and README row follow', (t) => {
  const cols = [
    column('id', 'utf8', false, 'the id', { pattern: TASK_ID }),
    column('colour', 'utf8', true, 'red | blue', { values: ['red', 'blue'] }),
    column('count', 'i32', false, 'how many'),
    column('score', 'f64', false, 'how good', { empty: Number.NaN }),
  ] as const satisfies readonly Column[];
  const row: RowOf<typeof cols> = emptyRow(cols);
  t.deepEqual(Object.keys(row), ['id', 'colour', 'count', 'score']);
  t.is(row.id, '');
  t.is(row.colour, null);
  t.is(row.count, 0);
  t.true(Number.isNaN(row.score));
  t.is(
    markdownTable(cols).split('\n')[3],
    '| `colour` | utf8 | yes | red \\| blue |',
    'a | in a doc is escaped so the table keeps its columns',
  );
});

test('emptyRow is fresh each call and holds every column of the table, in order', (t) => {
  for (const cols of [RUN_COLUMNS, TRIAL_COLUMNS] as const) {
    const a = emptyRow(cols) as Record<string, unknown>;
    const b = emptyRow(cols) as Record<string, unknown>;
    t.not(a, b);
    t.deepEqual(Object.keys(a), columnNames(cols));
    for (const c of cols as readonly Column[]) if (c.nullable && c.empty === undefined) t.is(a[c.name], null);
  }
  const run = emptyRow(RUN_COLUMNS);
  t.is(run.status, 'error');
  t.is(run.engine, 'f64');
  t.true(Number.isNaN(run.loss) && Number.isNaN(run.grad_norm));
});

test('rows from runTask and failure rows have exactly the columns of their table, in order', (t) => {
  for (const [task, cols] of [
    [torus, RUN_COLUMNS],
    [trials, TRIAL_COLUMNS],
  ] as const) {
    t.deepEqual(Object.keys(runTask(task, { worker: 'w' }).row), columnNames(cols));
    t.deepEqual(Object.keys(failureResult(task, 'x', 'w').row), columnNames(cols));
  }
});

test('the wire refuses a value outside a column’s values or pattern, naming the column', (t) => {
  const good = JSON.parse(
    new TextDecoder().decode(encodeResultMessage(runTask(torus, { worker: 'w' }), 'w')),
  );
  const bad = (edit: (m: { result: { row: Record<string, unknown> } }) => void) => {
    const m = structuredClone(good);
    edit(m);
    return new TextEncoder().encode(JSON.stringify(m));
  };
  t.throws(() => decodeWorkerMessage(bad((m) => (m.result.row.status = 'fine'))), {
    message: /result\.row\.status: /,
  });
  t.throws(() => decodeWorkerMessage(bad((m) => (m.result.row.task_id = 'A'.repeat(TASK_ID_CHARS)))), {
    message: /result\.row\.task_id: /,
  });
  t.throws(() => decodeWorkerMessage(bad((m) => (m.result.row.point_class = 'ridge'))), {
    message: /result\.row\.point_class: /,
  });
  t.notThrows(() => decodeWorkerMessage(bad(() => {})));
});
