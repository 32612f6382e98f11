import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { reportedOnce } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

// A tiny network study through the CLI: the report's basis and solution-map figures are checked
// against the network recomputed here from each row's final parameters (layout: per hidden layer
// W row-major then b, then the output coefficients c; no output bias).
const spec = `
name: report-networks
seed: 11
problems:
  - { kind: mlp-regression, width: 4, depth: 2, points: 40 }
  - { kind: pinn-1d, width: 4, depth: 1, points: 20 }
  - { kind: pinn-2d, width: 4, depth: 1, grid: 5, omega: 1 }
optimizers: [ { kind: newton }, { kind: adam, lr: 0.01 } ]
seeds: 3
stop: { gradTol: 1.0e-8, maxIter: 25 }
`;

interface Row {
  task_id: string;
  problem: string;
  optimizer: string;
  seed: number;
  status: string;
  point_class: string | null;
  trivial: boolean | null;
  final_params: Float64Array;
}

/** Last hidden layer of the MLP at one input point, σ(W a + b) layer by layer. */
function hidden(
  theta: Float64Array,
  input: number[],
  width: number,
  depth: number,
  act: (z: number) => number,
) {
  let a = input;
  let off = 0;
  for (let l = 0; l < depth; l++) {
    const next: number[] = [];
    for (let u = 0; u < width; u++) {
      let z = theta[off + width * a.length + u];
      for (let j = 0; j < a.length; j++) z += theta[off + u * a.length + j] * a[j];
      next.push(act(z));
    }
    off += width * a.length + width;
    a = next;
  }
  return { h: a, c: Array.from(theta.subarray(off, off + width)) };
}

const outcomeOf = (r: Row) =>
  r.status !== 'converged' ? r.status : `${r.trivial ? 'trivial ' : ''}${r.point_class}`;

const close = (t: { true: (c: boolean, m?: string) => void }, a: number, b: number, what: string) =>
  t.true(Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

interface Point {
  task_id: string;
  panel: string;
  kind: string;
  curve: string;
  x: number;
  y: number;
  value: number;
}

/** Runs the study and its report once for all tests of this file. */
const reported = reportedOnce(spec);

/** The runs table read back with apache-arrow (a list column comes back as a Vector). */
const runsOf = (out: string): Row[] =>
  readTable(out, 'runs')
    .toArray()
    .map((r) => {
      const o = r.toJSON();
      return { ...o, final_params: Float64Array.from(o.final_params) } as Row;
    });

/** The figure's files exist and index.html shows it; returns its data and its spec. */
function figure(t: { true: (c: boolean, m?: string) => void }, out: string, id: string) {
  const dir = join(out, 'report', 'figures');
  for (const ext of ['svg', 'png', 'vl.json']) t.true(existsSync(join(dir, `${id}.${ext}`)), `${id}.${ext}`);
  t.true(readFileSync(join(dir, `${id}.svg`), 'utf8').startsWith('<svg'), `${id}.svg is an SVG`);
  const png = readFileSync(join(dir, `${id}.png`));
  t.true(png.subarray(1, 4).toString() === 'PNG', `${id}.png is a PNG`);
  const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
  t.true(html.includes(`src="figures/${id}.svg"`), `index.html shows ${id}`);
  const vl = JSON.parse(readFileSync(join(dir, `${id}.vl.json`), 'utf8'));
  return vl.data.values as Point[];
}

function byTask(values: Point[]): Map<string, Point[]> {
  const m = new Map<string, Point[]>();
  for (const v of values) {
    const g = m.get(v.task_id);
    if (g) g.push(v);
    else m.set(v.task_id, [v]);
  }
  return m;
}
const maxAbs = (xs: number[]) => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** Per optimizer, one run per distinct outcome up to three, each titled with its optimizer, seed and outcome. */
function checkChoice(
  t: { is: (a: unknown, b: unknown, m?: string) => void; true: (c: boolean, m?: string) => void },
  rows: Row[],
  shown: string[],
  values: Point[],
) {
  for (const opt of ['newton', 'adam']) {
    const mine = rows.filter((r) => r.optimizer === opt);
    const picked = mine.filter((r) => shown.includes(r.task_id));
    const outcomes = new Set(mine.map(outcomeOf));
    t.is(picked.length, Math.min(3, outcomes.size), `${opt}: one panel per outcome, at most 3`);
    t.is(new Set(picked.map(outcomeOf)).size, picked.length, `${opt}: distinct outcomes`);
    for (const r of picked) {
      const panel = values.find((v) => v.task_id === r.task_id)!.panel;
      t.true(panel.includes(`${opt} · seed ${r.seed}`) && panel.includes(outcomeOf(r)), panel);
    }
  }
}

for (const [problem, id, depth, exact, boundary] of [
  ['mlp-regression', 'basis-1', 2, (x: number) => Math.sin(2 * Math.PI * x), () => 1],
  ['pinn-1d', 'basis-2', 1, (x: number) => Math.sin(Math.PI * x), (x: number) => x * (1 - x)],
] as const) {
  test(`report: ${problem} basis figure equals the network recomputed from final_params`, async (t) => {
    const out = await reported();
    const rows = runsOf(out).filter((r) => r.problem === problem);
    const values = figure(t, out, id);
    const act = problem === 'pinn-1d' ? Math.sin : Math.tanh;
    const shown = [...byTask(values).keys()];
    checkChoice(t, rows, shown, values);
    for (const [task, pts] of byTask(values)) {
      const row = rows.find((r) => r.task_id === task)!;
      const xs = [...new Set(pts.map((p) => p.x))];
      t.true(xs.length > 50, 'a fine plot grid');
      const nets = xs.map((x) => hidden(row.final_params, [x], 4, depth, act));
      const phi = nets.map(({ h }, i) => h.map((v) => boundary(xs[i]) * v));
      const u = phi.map((p, i) => p.reduce((s, v, k) => s + nets[i].c[k] * v, 0));
      const fScale = maxAbs(xs.map(exact));
      const phiScale = [0, 1, 2, 3].map((k) => maxAbs(phi.map((p) => p[k])));
      for (const p of pts) {
        const i = xs.indexOf(p.x);
        if (p.kind === 'basis')
          close(
            t,
            p.value,
            phi[i][Number(p.curve.slice(1)) - 1] / phiScale[Number(p.curve.slice(1)) - 1],
            `${p.curve}(${p.x})`,
          );
        else if (p.kind === 'network u') close(t, p.value, u[i] / fScale, `u(${p.x})`);
        else close(t, p.value, exact(p.x) / fScale, `exact(${p.x})`);
      }
      t.is(pts.length, xs.length * 6, 'four basis functions, the exact curve and u at every point');
    }
    const md = readFileSync(join(out, 'report', 'summary.md'), 'utf8');
    const caption = md.split('\n').find((l) => l.startsWith('Basis functions φ_k') && l.includes(problem))!;
    t.regex(caption, new RegExp(`Study report-networks \\(seed 11\\), ${rows.length} runs`));
  });
}

test('report: pinn-2d solution maps show u and sin(πx)sin(πy) as recomputed from final_params', async (t) => {
  const out = await reported();
  const rows = runsOf(out).filter((r) => r.problem === 'pinn-2d');
  const values = figure(t, out, 'solution-map-1');
  const exact = values.filter((v) => v.panel === 'exact solution u*');
  t.true(exact.length >= 100, `a fine plot grid: ${exact.length}`);
  for (const p of exact)
    close(t, p.value, Math.sin(Math.PI * p.x) * Math.sin(Math.PI * p.y), `u*(${p.x}, ${p.y})`);
  const runs = [...byTask(values)].filter(([task]) => task !== '');
  t.deepEqual(runs.map(([task]) => rows.find((r) => r.task_id === task)!.optimizer).sort(), [
    'adam',
    'newton',
  ]);
  for (const [task, pts] of runs) {
    const row = rows.find((r) => r.task_id === task)!;
    t.is(pts.length, exact.length);
    for (const p of pts) {
      const { h, c } = hidden(row.final_params, [p.x, p.y], 4, 1, Math.sin);
      const d = p.x * (1 - p.x) * p.y * (1 - p.y);
      close(
        t,
        p.value,
        h.reduce((s, v, k) => s + c[k] * d * v, 0),
        `u(${p.x}, ${p.y})`,
      );
    }
  }
  const basis = figure(t, out, 'basis-map-1');
  const [task] = [...byTask(basis).keys()];
  const row = rows.find((r) => r.task_id === task)!;
  const first = basis.filter((p) => p.panel.startsWith('φ1 '));
  const phi1 = first.map(
    (p) => p.x * (1 - p.x) * p.y * (1 - p.y) * hidden(row.final_params, [p.x, p.y], 4, 1, Math.sin).h[0],
  );
  const scale = maxAbs(phi1);
  for (const [i, p] of first.entries()) close(t, p.value, phi1[i] / scale, `φ1(${p.x}, ${p.y})`);
  const md = readFileSync(join(out, 'report', 'summary.md'), 'utf8');
  t.regex(
    md,
    new RegExp(`one shared colour scale.*Study report-networks \\(seed 11\\), ${rows.length} runs`),
  );
});
