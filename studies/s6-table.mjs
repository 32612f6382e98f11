// The s6 width-scaling table of studies/README.md from out dirs (after `npm run build`), read from
// their segments (or an older out dir's runs.arrow or results journal):
//   node studies/s6-table.mjs out/s6-tanh-width-scaling out/s6-tanh-width-scaling-large
// Per width: trivial saddles (converged, ‖u‖/‖f‖ < trivialTol, classified a saddle) k/n with the
// 95% Wilson interval, the other outcomes, steps, Hessian-vector products a step and run time.
import { existsSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { tableFromIPC } from 'apache-arrow';
import { StoredResults } from '../dist/coordinator/store/read.js';
import { wilson } from '../dist/shared/analysis/intervals.js';

function rowsOf(dir) {
  if (existsSync(`${dir}/runs`)) return [...new StoredResults(dir).runs()];
  // Out dirs written before results became segments: one runs.arrow, or the journal of a run cut short.
  if (existsSync(`${dir}/runs.arrow`))
    return tableFromIPC(readFileSync(`${dir}/runs.arrow`))
      .toArray()
      .map((r) => r.toJSON());
  const buf = readFileSync(`${dir}/results.journal`);
  const rows = [];
  for (let off = 0; off + 4 <= buf.length; ) {
    const len = buf.readUInt32LE(off);
    if (off + 4 + len > buf.length) break; // a record cut short by a kill
    rows.push(deserialize(buf.subarray(off + 4, off + 4 + len)).row);
    off += 4 + len;
  }
  return rows;
}

const range = (xs, digits = 0) =>
  xs.length === 0 ? '—' : `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[s.length >> 1]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(
  '| width (parameters) | trivial saddles | other outcomes | steps | products a step (median) | steps at the product cap | classified by | run time (median) |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const dir of process.argv.slice(2)) {
  // Steps whose MINRES stopped at maxKrylov (inexact Newton steps), per task, from the history.
  const capOf = new Map();
  const capped = new Map();
  const steps = new Map();
  if (existsSync(`${dir}/runs`)) {
    for (const r of new StoredResults(dir).runs({ task: true }))
      capOf.set(r.task_id, JSON.parse(r.task).optimizer.maxKrylov ?? Number.POSITIVE_INFINITY);
    for (const h of new StoredResults(dir).history()) {
      if (h.iteration === 0 || !Number.isFinite(h.krylov_products)) continue;
      steps.set(h.task_id, (steps.get(h.task_id) ?? 0) + 1);
      if (h.krylov_products >= capOf.get(h.task_id)) capped.set(h.task_id, (capped.get(h.task_id) ?? 0) + 1);
    }
  }
  const byWidth = new Map();
  for (const r of rowsOf(dir)) {
    const w = JSON.parse(r.problem_params).width;
    if (!byWidth.has(w)) byWidth.set(w, []);
    byWidth.get(w).push(r);
  }
  for (const [w, rows] of [...byWidth].sort((a, b) => a[0] - b[0])) {
    const n = rows[0].final_params ? rows[0].final_params.length : '?';
    const trivial = rows.filter((r) => r.status === 'converged' && r.trivial && r.point_class === 'saddle');
    const others = new Map();
    for (const r of rows) {
      if (trivial.includes(r)) continue;
      const what = `${r.status}${r.point_class ? ` ${r.point_class}` : ''}${r.trivial ? ' trivial' : ''}`;
      others.set(what, (others.get(what) ?? 0) + 1);
    }
    const iw = wilson(trivial.length, rows.length);
    const perStep = rows
      .filter((r) => r.iterations > 0 && r.krylov_products !== null)
      .map((r) => r.krylov_products / r.iterations);
    const est = rows.filter((r) => r.counts_estimated).length;
    const share = (rs) => {
      let nSteps = 0;
      let nCapped = 0;
      for (const r of rs) {
        nSteps += steps.get(r.task_id) ?? 0;
        nCapped += capped.get(r.task_id) ?? 0;
      }
      return nSteps > 0 ? `${nCapped}/${nSteps}` : '—';
    };
    const capShare = `${share(rows)} (trivial runs ${share(trivial)})`;
    console.log(
      `| ${w} (${n.toLocaleString('en')}) | ${trivial.length}/${rows.length} [${iw.lo.toFixed(2)}, ${iw.hi.toFixed(2)}] | ` +
        `${[...others].map(([k, c]) => `${c} ${k}`).join(', ') || '—'} | ${range(rows.map((r) => r.iterations))} | ` +
        `${median(perStep).toFixed(0)} (${range(perStep)}) | ${capShare} | ${est === rows.length ? 'Lanczos/SLQ' : est === 0 ? 'dense' : 'mixed'} | ` +
        `${(median(rows.map((r) => r.wall_ms)) / 1000).toFixed(0)} s |`,
    );
  }
}
