// Paper Fig. 5's question over a map: at the trivial solutions (converged, ‖u‖/‖f‖ < trivialTol), are the basis functions constants
// (the paper's picture: all but one constant) or do they shrink to zero (ours with zero biases)?
//   node studies/basis-shapes.mjs OUT_DIR   (after `npm run build`)
// From each run's final parameters, every basis function φ_k (a last-hidden-layer unit) on the
// problem's plot grid gets its RMS A_k = √mean φ_k² and its spread S_k = std φ_k over the grid:
//   zero      A_k < 1e-3            (a tanh or sin unit lies in [−1, 1])
//   constant  A_k ≥ 1e-3 and S_k < 1e-2 · A_k
//   varying   otherwise.
// One line per cell (problem params but the map's axes, λ, α): trivial solutions, then the mean
// count of zero / constant / varying basis functions among them, and the runs in which every basis
// function but at most one is constant ("paper") or every one is zero ("shrunk").
import { readdirSync } from 'node:fs';
import { loadResults } from '../dist/coordinator/store/read.js';
import { buildObjective } from '../dist/shared/run-task.js';
import { OptimizeTask } from '../dist/shared/study/task.js';

const dir = process.argv[2];
if (!dir || !readdirSync(dir).includes('study.json')) {
  console.error('usage: node studies/basis-shapes.mjs OUT_DIR');
  process.exit(2);
}
const cells = new Map();
const objectives = new Map();
for (const r of loadResults(dir).runs) {
  if (!(r.status === 'converged' && r.trivial && r.final_params)) continue;
  const p = JSON.parse(r.problem_params);
  const o = JSON.parse(r.optimizer_params);
  const key = `${p.biasInit ?? '(scheme)'} w${p.width} λ=${o.lambda} α=${o.alpha}`;
  const task = OptimizeTask.parse(JSON.parse(r.task));
  // The objective depends on the problem and the seed (Fourier B comes from the problem stream).
  const okey = `${r.problem_params} ${r.seed}`;
  if (!objectives.has(okey)) objectives.set(okey, buildObjective(task));
  const s = objectives.get(okey).sampleBasis(Float64Array.from(r.final_params));
  const M = s.grid.length / s.d;
  const counts = { zero: 0, constant: 0, varying: 0 };
  for (let k = 0; k < s.width; k++) {
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < M; i++) {
      const v = s.basis[i * s.width + k];
      m1 += v;
      m2 += v * v;
    }
    m1 /= M;
    m2 /= M;
    const rms = Math.sqrt(m2);
    const spread = Math.sqrt(Math.max(0, m2 - m1 * m1));
    counts[rms < 1e-3 ? 'zero' : spread < 1e-2 * rms ? 'constant' : 'varying']++;
  }
  const c = cells.get(key) ?? { n: 0, zero: 0, constant: 0, varying: 0, paper: 0, shrunk: 0, w: s.width };
  c.n++;
  for (const k of ['zero', 'constant', 'varying']) c[k] += counts[k];
  if (counts.constant >= s.width - 1) c.paper++;
  if (counts.zero === s.width) c.shrunk++;
  cells.set(key, c);
}
console.log(
  '| cell | trivial solutions | mean zero / constant / varying basis functions | all but ≤ 1 constant | all zero |',
);
console.log('|---|---|---|---|---|');
for (const [key, c] of [...cells].sort()) {
  const mean = (k) => (c[k] / c.n).toFixed(1);
  console.log(
    `| ${key} | ${c.n} | ${mean('zero')} / ${mean('constant')} / ${mean('varying')} of ${c.w} | ${c.paper} | ${c.shrunk} |`,
  );
}
