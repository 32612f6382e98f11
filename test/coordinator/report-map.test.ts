import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import test, { type ExecutionContext } from 'ava';
import { readManifest } from '../../coordinator/out-dir.js';
import type { ReportContext } from '../../coordinator/report/context.js';
import { mapFigures } from '../../coordinator/report/map.js';
import { loadResults } from '../../coordinator/store/read.js';
import { reportedOnce } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

// A small swept network study through the CLI (bias init × Newton λ × α, and ADAM's lr), then its
// report: the map figures' numbers are recounted here from the runs table, read with apache-arrow,
// with this file's own definitions (trivial solution, fit, the loss at u = 0, the Wilson interval).
const spec = `
name: report-map
seed: 5
problems:
  - { kind: mlp-regression, width: 3, depth: 2, points: 20 }
  - { kind: mlp-regression, width: 3, depth: 2, points: 20, target: { kind: poly, coefficients: [0, 1] } }
sweep: { biasInit: [zeros, torch-default] }
optimizers:
  - { kind: newton, sweep: { lambda: [1.0e-3, 1.0e-1], alpha: [0.5, 1] } }
  - { kind: adam, sweep: { lr: [1.0e-2, 5.0e-2] } }
seeds: 4
stop: { gradTol: 1.0e-7, maxIter: 120 }
record: { spectrum: true }
`;

interface Row {
  problem: string;
  problem_params: string;
  optimizer: string;
  optimizer_params: string;
  status: string;
  trivial: boolean | null;
  point_class: string | null;
  output_norm_ratio: number | null;
  loss: number;
}

interface Point {
  panel: string;
  metric: string;
  xv: number;
  yv: number;
  count: number;
  total: number;
  fraction: number;
  lo: number;
  hi: number;
  text: string;
}

const reported = reportedOnce(spec);

/**
 * The runs table read back with apache-arrow (its segments), each row joined to its configuration's
 * problem and optimizer parameters in variants.arrow.
 */
function rowsOf(out: string): Row[] {
  const variants = new Map(
    tableFromIPC(readFileSync(join(out, 'variants.arrow')))
      .toArray()
      .map((v) => [v.config as string, v.toJSON() as { problem_params: string; optimizer_params: string }]),
  );
  return readTable(out, 'runs')
    .toArray()
    .map((r) => {
      const o = r.toJSON() as Row & { config: string };
      const v = variants.get(o.config);
      if (!v) throw new Error(`run ${o.config} has no variant`);
      return { ...o, problem_params: v.problem_params, optimizer_params: v.optimizer_params };
    });
}

function figure(t: ExecutionContext, out: string, id: string): Point[] {
  const dir = join(out, 'report', 'figures');
  for (const ext of ['svg', 'png', 'vl.json']) t.true(existsSync(join(dir, `${id}.${ext}`)), `${id}.${ext}`);
  t.is(
    readFileSync(join(dir, `${id}.png`))
      .subarray(1, 4)
      .toString(),
    'PNG',
  );
  return JSON.parse(readFileSync(join(dir, `${id}.vl.json`), 'utf8')).data.values as Point[];
}

/** Mean f² on the grid: the loss at u = 0 (20 points on [−1, 1]). */
function lossAtZero(problemParams: string): number {
  const target = JSON.parse(problemParams).target as { kind: string; k?: number };
  const f = (x: number) => (target.kind === 'sin' ? Math.sin(2 * Math.PI * x) : x);
  let s = 0;
  for (let i = 0; i < 20; i++) s += f(-1 + (2 * i) / 19) ** 2;
  return s / 20;
}

function wilson(k: number, n: number) {
  const z = 1.959963984540054;
  const p = k / n;
  const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return { lo: k === 0 ? 0 : c - h, hi: k === n ? 1 : c + h };
}

/** Recount: per (panel target/biasInit, x, y) the runs converged to the trivial solution and the fits. */
function recount(rows: Row[], optimizer: string, x: string, y: string | null) {
  const cells = new Map<string, { n: number; trivial: number; fit: number }>();
  for (const r of rows.filter((r) => r.optimizer === optimizer)) {
    const p = JSON.parse(r.problem_params);
    const o = JSON.parse(r.optimizer_params);
    const key = `${p.target.kind} ${p.biasInit} ${o[x]} ${y ? o[y] : 0}`;
    const c = cells.get(key) ?? { n: 0, trivial: 0, fit: 0 };
    c.n++;
    if (r.status === 'converged' && r.trivial === true) c.trivial++;
    if (
      r.output_norm_ratio !== null &&
      Math.abs(r.output_norm_ratio - 1) < 0.05 &&
      r.loss < 1e-3 * lossAtZero(r.problem_params)
    )
      c.fit++;
    cells.set(key, c);
  }
  return cells;
}

function check(
  t: ExecutionContext,
  points: Point[],
  cells: Map<string, { n: number; trivial: number; fit: number }>,
) {
  t.is(points.length, 2 * cells.size, 'two rates per configuration');
  for (const pt of points) {
    const target = pt.panel.includes('"kind":"poly"') ? 'poly' : 'sin';
    const bias = /biasInit=([a-z-]+)/.exec(pt.panel)?.[1];
    const c = cells.get(`${target} ${bias} ${pt.xv} ${pt.yv}`);
    t.true(c !== undefined, `no runs at ${pt.panel} ${pt.xv} ${pt.yv}`);
    if (!c) continue;
    const k = pt.metric === 'fit' ? c.fit : c.trivial;
    const what = `${pt.metric} at ${pt.panel} ${pt.xv}, ${pt.yv}`;
    t.is(pt.total, c.n, what);
    t.is(pt.count, k, what);
    t.is(pt.text, `${k}/${c.n}`, what);
    t.true(Math.abs(pt.fraction - k / c.n) < 1e-12, what);
    const w = wilson(k, c.n);
    t.true(Math.abs(pt.lo - w.lo) < 1e-12 && Math.abs(pt.hi - w.hi) < 1e-12, `${what}: interval`);
  }
}

test('the λ × α heat map of Newton counts what the runs table holds, per target and bias init', async (t) => {
  const out = await reported();
  const rows = rowsOf(out);
  t.is(rows.length, 2 * 2 * (4 + 2) * 4);
  const cells = recount(rows, 'newton', 'lambda', 'alpha');
  t.is(cells.size, 2 * 2 * 4);
  const heat = figure(t, out, 'map-1');
  check(t, heat, cells);
  // Both metrics happen in this study, so a count that ignored either would be caught.
  t.true(
    heat.some((p) => p.metric === 'fit' && p.count > 0),
    'some Newton run fits',
  );
  t.true(
    heat.some((p) => p.metric === 'trivial' && p.count > 0),
    'some Newton run ends at the trivial solution',
  );
  // The same counts drawn as lines against λ (one line per α) with their interval bands.
  check(t, figure(t, out, 'map-lines-1'), cells);
});

test('a one-setting sweep (ADAM lr) gets the lines figure only; the report lists the map figures', async (t) => {
  const out = await reported();
  const rows = rowsOf(out);
  check(t, figure(t, out, 'map-lines-2'), recount(rows, 'adam', 'lr', null));
  t.false(existsSync(join(out, 'report', 'figures', 'map-2.png')));
  const md = readFileSync(join(out, 'report', 'summary.md'), 'utf8');
  t.regex(md, /Robustness map: newton on mlp-regression, λ × α/);
  t.regex(md, /Rates against lr: adam on mlp-regression/);
});

test('the map reads the streamed runs in one pass, and draws what the report wrote', async (t) => {
  const out = await reported();
  const manifest = readManifest(out);
  const { runs } = loadResults(out);
  let passes = 0;
  const figures = mapFigures({
    manifest,
    runs: () => {
      passes++;
      return (function* () {
        yield* runs;
      })();
    },
  } as unknown as ReportContext);
  t.is(passes, 1, 'one pass over the runs');
  t.deepEqual(
    figures.map((f) => f.id),
    ['map-1', 'map-lines-1', 'map-lines-2'],
  );
  for (const f of figures)
    t.deepEqual(
      JSON.parse(JSON.stringify(f.spec)),
      JSON.parse(readFileSync(join(out, 'report', 'figures', `${f.id}.vl.json`), 'utf8')),
    );
});
