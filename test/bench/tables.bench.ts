import { planStudy } from '../../coordinator/run-study.js';
import { historyRowsOf } from '../../coordinator/sink.js';
import { tableFromRows } from '../../coordinator/tables/arrow-io.js';
import { runTask } from '../../shared/run-task.js';
import type { Column } from '../../shared/study/columns.js';
import { HISTORY_COLUMNS, RUN_COLUMNS } from '../../shared/study/runs-columns.js';
import { tableByBuilders } from '../helpers/arrow-builders.js';
import { tempDir, writeSpec } from '../helpers/cli.js';
import { type BenchReport, type BenchRow, timeMs } from './harness.js';

/**
 * Building the Arrow tables an out dir holds from row objects (shared/tables/column-data.ts,
 * its buffers written directly) against apache-arrow's builders (`vectorFromArray`) on the same
 * rows, in the same run: the rows of a real study, repeated to 4,000 runs and their history.
 */

const RUNS = 4000;

function studyRows(): { runs: Record<string, unknown>[]; history: Record<string, unknown>[] } {
  const dir = tempDir('bench-tables-');
  const spec = writeSpec(dir, [
    'name: bench-tables',
    'seed: 3',
    'problem: { kind: mlp-regression, width: 4, depth: 2, activation: tanh, target: { kind: sin, k: 1 }, points: 20 }',
    'optimizers: [ { kind: newton, alpha: 0.5, lambda: 1.0e-3 }, { kind: bfgs } ]',
    'seeds: 20',
    'stop: { gradTol: 1.0e-8, maxIter: 40 }',
    'record: { historyStride: 4, finalParams: true, spectrum: true }',
  ]);
  const results = planStudy(spec).tasks.map((t) => runTask(t, { worker: 'bench' }));
  const runs: Record<string, unknown>[] = [];
  const history: Record<string, unknown>[] = [];
  for (let i = 0; runs.length < RUNS; i++) {
    const r = results[i % results.length];
    if (r.kind !== 'run') continue;
    const id = `${r.row.task_id}-${i}`;
    runs.push({ ...r.row, task_id: id });
    if (r.history) for (const h of historyRowsOf(id, r.history)) history.push(h);
  }
  return { runs, history };
}

export async function bench(): Promise<BenchReport> {
  const { runs, history } = studyRows();
  const rows: BenchRow[] = [];
  for (const [name, cols, data] of [
    ['runs', RUN_COLUMNS, runs],
    ['history', HISTORY_COLUMNS, history],
  ] as [string, readonly Column[], Record<string, unknown>[]][]) {
    const builders = timeMs(() => tableByBuilders(cols, data), 5, 1);
    const direct = timeMs(() => tableFromRows(cols, data), 5, 1);
    rows.push({
      case: `${name}: ${data.length} rows × ${cols.length} columns`,
      'builders ms (baseline)': builders,
      'direct ms': direct,
      'µs/row direct': (direct * 1000) / data.length,
      speedup: builders / direct,
    });
  }
  return {
    title: `Arrow tables from row objects: direct buffers vs apache-arrow's builders (median of 5)`,
    rows,
    notes: [
      'the sink builds these at the end of a study (and `saddlescope export`); the builders are the check in test/coordinator/column-data.test.ts',
    ],
  };
}
