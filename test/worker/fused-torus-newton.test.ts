import { tableFromIPC } from 'apache-arrow';
import test, { type ExecutionContext } from 'ava';
import { fusesTorusNewton } from '../../shared/fused/fusable.js';
import { runTask } from '../../shared/run-task.js';
import { blockTasks } from '../../shared/study/block.js';
import { StudyPlan } from '../../shared/study/plan.js';
import {
  OutcomeTallier,
  type OutcomeTally,
  RUN_CONTEXT_COLUMNS,
  type RunRow,
} from '../../shared/study/result.js';
import { parseSpec } from '../../shared/study/spec.js';
import { STORED_RUN_COLUMNS } from '../../shared/tables/stored-columns.js';
import { seedBlockResults } from '../../worker/pool-worker.js';

const spec = (problem: string, optimizer: string, rest = '') =>
  `name: fused\nseed: 3\nproblem: { kind: torus${problem} }\noptimizers: [ { kind: newton${optimizer} } ]\n${rest}`;

/** The same cell: numbers by Object.is (NaN, ±0 told apart), arrays element by element. */
function same(a: unknown, b: unknown): boolean {
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!a || !b) return false;
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  return Object.is(a ?? null, b ?? null);
}

/**
 * The fused block's rows (as a pool thread sends them, Arrow IPC read back by apache-arrow) against
 * runTask's row of each seed alone, every reproducible column; returns the statuses met.
 */
function compareBlocks(
  t: ExecutionContext,
  text: string,
  seeds: number,
  blockSize = 256,
): Map<string, number> {
  const plan = new StudyPlan(parseSpec(`${text}seeds: ${seeds}\n`));
  const statuses = new Map<string, number>();
  let diffs = 0;
  for (let s0 = 0; s0 < seeds; s0 += blockSize) {
    const block = plan.blockOf(
      0,
      Array.from({ length: Math.min(blockSize, seeds - s0) }, (_, i) => s0 + i),
    );
    t.true(fusesTorusNewton(block.body));
    const out = seedBlockResults(block);
    if (Array.isArray(out)) return t.fail('a fused block leaves as Arrow IPC') as never;
    const table = tableFromIPC(out.ipc);
    // The tally the progress bar counts: runTask's rows' outcome fields, each with its count.
    const tally = new OutcomeTallier();
    const tasks = blockTasks(block);
    t.is(table.numRows, tasks.length);
    const columns = STORED_RUN_COLUMNS.filter(
      (c) => !(RUN_CONTEXT_COLUMNS as readonly string[]).includes(c.name),
    ).map((c) => ({ name: c.name, vector: table.getChild(c.name)! }));
    for (let i = 0; i < tasks.length; i++) {
      const want = runTask(tasks[i], { worker: 'w', lean: true }).row as unknown as Record<string, unknown>;
      const kind = `${want.status}${String(want.message).startsWith('at the initial point') ? ' at the start' : ''}`;
      statuses.set(kind, (statuses.get(kind) ?? 0) + 1);
      const w = want as unknown as RunRow;
      tally.add(w.status, w.point_class, w.output_norm_ratio, w.trivial);
      for (const col of columns) {
        const cell = col.vector.get(i);
        // A list cell reads back as a Vector: its values.
        const got = cell !== null && typeof cell === 'object' && 'toArray' in cell ? cell.toArray() : cell;
        if (!same(got, want[col.name]) && diffs++ < 5)
          t.fail(`seed ${tasks[i].seed}, ${col.name}: fused ${got}, runTask ${want[col.name]}`);
      }
    }
    const sorted = (x: OutcomeTally) => x.map((e) => JSON.stringify(e)).sort();
    t.deepEqual(sorted(out.outcomes), sorted(tally.tally()));
  }
  t.is(diffs, 0, `${diffs} cells differ`);
  return statuses;
}

test('fused torus Newton blocks: 10⁵ seeds have the rows runTask gives each seed alone, bit for bit', (t) => {
  const statuses = compareBlocks(t, spec('', ''), 100_000);
  t.true((statuses.get('converged') ?? 0) > 90_000, JSON.stringify([...statuses]));
});

test('fused torus Newton blocks: damping, relaxation, eigenvalues, no params, a grid and other shapes, bit for bit', (t) => {
  compareBlocks(
    t,
    spec(
      ', R: 3, r: 0.5, e: 2.5',
      ', alpha: 0.7, lambda: 0.5',
      'record: { eigenvalues: true, finalParams: false }\n',
    ),
    3000,
  );
  compareBlocks(t, spec(', initGrid: 60', ''), 3600, 100);
  // e < 1: no census, no stationary point named; spectrum off: no class.
  compareBlocks(t, spec(', e: 0.8', ', lambda: 1.0e-3', 'record: { spectrum: false }\n'), 2000, 77);
});

test('fused torus Newton blocks: max_iter, diverged (at the start and after a step) and error rows as runTask writes them', (t) => {
  const capped = compareBlocks(t, spec('', '', 'stop: { maxIter: 2, gradTol: 1.0e-14 }\n'), 2000);
  t.true((capped.get('max_iter') ?? 0) > 500, JSON.stringify([...capped]));
  const blown = compareBlocks(t, spec('', ', alpha: 3', 'stop: { blowup: 3 }\n'), 4000);
  t.true((blown.get('diverged') ?? 0) > 500, JSON.stringify([...blown]));
  t.true((blown.get('diverged at the start') ?? 0) > 100, JSON.stringify([...blown]));
  // e = 1: A ≡ 1, so ∂₁L ≡ 0 and H is singular in θ₁ at every start: each run's first step fails.
  const singular = compareBlocks(t, spec(', e: 1', '', 'stop: { maxIter: 30 }\n'), 1000);
  t.is(singular.get('error'), 1000, JSON.stringify([...singular]));
});
