// The optimizer × problem table of studies/README.md from out dirs (after `npm run build`):
//   node studies/optimizer-table.mjs "tanh w10=out/s5-optimizers-tanh" "SIREN=out/s5-optimizers-siren" …
// Each cell: runs converged to the trivial solution (k/n [95% Wilson]) · runs that fit
// (‖u‖/‖f‖, or ‖𝓛u‖/‖f‖ for PINNs, within 5% of 1 and the loss below 1e-3 of its value at u = 0).
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { wilson } from '../dist/shared/analysis/intervals.js';
import { buildObjective } from '../dist/shared/run-task.js';

const OPTIMIZERS = ['newton', 'saddle-free-newton', 'bfgs', 'l-bfgs', 'adam', 'gd'];
const cell = (k, n) => {
  const w = wilson(k, n);
  return `${k}/${n} [${w.lo.toFixed(2)}, ${w.hi.toFixed(2)}]`;
};
// The loss at u = 0 (mean f²): every parameter zero (the output layer is linear without bias).
const zeroLoss = new Map();
const lossAtZero = (r) => {
  if (!zeroLoss.has(r.problem_params)) {
    const f = buildObjective(JSON.parse(r.task));
    zeroLoss.set(r.problem_params, f.value(new Float64Array(f.dim)));
  }
  return zeroLoss.get(r.problem_params);
};

console.log(`| problem (spec) | ${OPTIMIZERS.join(' | ')} |`);
console.log(`|---|${OPTIMIZERS.map(() => '---').join('|')}|`);
for (const [label, dir] of process.argv.slice(2).map((a) => a.split('='))) {
  const rows = tableFromIPC(readFileSync(`${dir}/runs.arrow`))
    .toArray()
    .map((r) => r.toJSON());
  const cells = OPTIMIZERS.map((o) => {
    const mine = rows.filter((r) => r.optimizer === o);
    const trivial = mine.filter((r) => r.status === 'converged' && r.trivial).length;
    const fit = mine.filter(
      (r) => Math.abs((r.output_norm_ratio ?? 0) - 1) < 0.05 && r.loss < 1e-3 * lossAtZero(r),
    ).length;
    return `${cell(trivial, mine.length)} · fit ${fit}`;
  });
  console.log(`| ${label} | ${cells.join(' | ')} |`);
}
