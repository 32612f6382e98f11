// The robustness map of an out dir as markdown tables (after `npm run build`):
//   node studies/map-table.mjs OUT_DIR
// The numbers of the report's map figure (coordinator/report/map.ts: same counts, same
// definitions), one table per map: rows λ (or the map's x), a column per remaining setting (bias
// init) and α (or the map's y), each cell the count/runs converged to the trivial solution with its 95% Wilson
// interval, then the count of fits;
// then per configuration the other outcomes (converged elsewhere, max_iter — and how many of those
// were still approaching the trivial solution, ‖u‖/‖f‖ < 0.05 —, diverged, error).

import { countConfigurations, isTrivial, mapPlans } from '../dist/coordinator/report/map.js';
import { loadResults } from '../dist/coordinator/store/read.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node studies/map-table.mjs OUT_DIR');
  process.exit(2);
}
const { runs } = loadResults(dir);
const outcomes = new Map();
for (const r of runs) {
  const key = `${r.problem_params} ${r.optimizer_params}`;
  const o = outcomes.get(key) ?? {
    converged: 0,
    max_iter: 0,
    near: 0,
    diverged: 0,
    error: 0,
    iters: [],
    saddle: 0,
  };
  if (r.status === 'converged' && !isTrivial(r)) o.converged++;
  else if (r.status !== 'converged') o[r.status]++;
  // Still approaching the trivial solution at the cap: ‖u‖/‖f‖ already below 0.05.
  if (r.status === 'max_iter' && r.output_norm_ratio !== null && r.output_norm_ratio < 0.05) o.near++;
  if (isTrivial(r)) o.iters.push(r.iterations);
  if (isTrivial(r) && r.point_class === 'saddle') o.saddle++;
  outcomes.set(key, o);
}
const f2 = (v) => v.toFixed(2);
for (const plan of mapPlans(countConfigurations(runs))) {
  const xs = [...new Set(plan.points.map((p) => p.xv))].sort((a, b) => a - b);
  const ys = [...new Set(plan.points.map((p) => p.yv))].sort((a, b) => a - b);
  const panels = [...new Set(plan.points.map((p) => p.panel))];
  // One column per (panel, y): e.g. biasInit=zeros α = 0.25 … biasInit=torch-default α = 1.
  const columns = panels.flatMap((panel) => ys.map((y) => ({ panel, y })));
  const sym = (k) => ({ lambda: 'λ', alpha: 'α' })[k] ?? k;
  const short = (panel) => panel.replace(/^biasInit=/, '');
  const head = (c) => (plan.yKey ? `${short(c.panel)} ${sym(plan.yKey)}=${c.y}` : short(c.panel));
  console.log(
    `\n${plan.problem}, ${plan.optimizer}: runs converged to the trivial solution · fits, rows ${plan.xKey}\n`,
  );
  console.log(`| ${sym(plan.xKey)} | ${columns.map(head).join(' | ')} |`);
  console.log(`|---|${columns.map(() => '---').join('|')}|`);
  for (const x of xs) {
    const cells = columns.map(({ panel, y }) => {
      const at = (m) =>
        plan.points.find((p) => p.panel === panel && p.xv === x && p.yv === y && p.metric === m);
      const t = at('trivial');
      if (!t) return '—';
      return `${t.count}/${t.total} [${f2(t.lo)}, ${f2(t.hi)}] · ${at('fit').count}`;
    });
    console.log(`| ${x} | ${cells.join(' | ')} |`);
  }
}
// Other outcomes, the class of the trivial points and the steps to them, per configuration.
console.log(
  '\n| configuration | runs | other converged | max_iter (of which ‖u‖/‖f‖ < 0.05) | diverged | error | trivial: saddle / degenerate | steps to the trivial solution (median, range) |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [key, o] of [...outcomes].sort()) {
  const p = JSON.parse(key.slice(0, key.lastIndexOf(' {')));
  const opt = JSON.parse(key.slice(key.lastIndexOf(' {') + 1));
  const n = o.converged + o.max_iter + o.diverged + o.error + o.iters.length;
  const it = o.iters.sort((a, b) => a - b);
  const med = it.length ? `${it[Math.floor(it.length / 2)]} (${it[0]}–${it[it.length - 1]})` : '—';
  console.log(
    `| ${p.biasInit ?? '(scheme)'} w${p.width} λ=${opt.lambda} α=${opt.alpha} | ${n} | ${o.converged} | ${o.max_iter} (${o.near}) | ${o.diverged} | ${o.error} | ${o.saddle} / ${o.iters.length - o.saddle} | ${med} |`,
  );
}
