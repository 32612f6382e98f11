import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { plannedStudy, runStudy } from '../../coordinator/run-study.js';
import { LocalTransport } from '../../coordinator/transport/local.js';
import { parseSpec } from '../../shared/study/spec.js';
import { tempDir } from '../helpers/cli.js';
import { type BenchReport, type BenchRow, median, PY_BLAS } from './harness.js';

/**
 * Tiny tasks: exact Newton on the torus (about 5 iterations a run), the whole harness (plan, pool,
 * journal, segments) against numpy running the same iteration vectorized over all initial points at
 * once (every run iterated until its gradient norm is below 1e-10, or 200 steps), with the final
 * point classified by the signs of its Hessian's eigenvalues in both. Runs a second; median of reps.
 */

/** A study's size, then one where pool start-up (about 0.8 s of module loading) is amortized. */
const SIZES = [200_000, 1_000_000];
const REPS = 3;

const NUMPY = `
import sys, time, numpy as np
${PY_BLAS}n = int(sys.argv[1]); R, r, e = 2.0, 1.0, 1.5
rng = np.random.default_rng(1)
best = []
for rep in range(${REPS}):
    x = rng.uniform(-np.pi, np.pi, size=(n, 2))
    t0 = time.perf_counter()
    active = np.ones(n, bool); iters = np.zeros(n, np.int32)
    def parts(x):
        s1, c1, s2, c2 = np.sin(x[:, 0]), np.cos(x[:, 0]), np.sin(x[:, 1]), np.cos(x[:, 1])
        rho = R + r * c2; A = c1 * c1 + e * e * s1 * s1
        dA = (e * e - 1) * 2 * s1 * c1; ddA = 2 * (e * e - 1) * (c1 * c1 - s1 * s1)
        g = np.stack([0.5 * rho * rho * dA, r * s2 * (r * c2 - rho * A)], 1)
        h11 = 0.5 * rho * rho * ddA; h12 = -r * rho * s2 * dA
        h22 = r * c2 * (r * c2 - rho * A) - r * r * s2 * s2 * (1 - A)
        return g, h11, h12, h22
    for k in range(200):
        idx = np.nonzero(active)[0]
        if idx.size == 0: break
        g, h11, h12, h22 = parts(x[idx])
        done = np.hypot(g[:, 0], g[:, 1]) < 1e-10
        active[idx[done]] = False
        idx, g, h11, h12, h22 = idx[~done], g[~done], h11[~done], h12[~done], h22[~done]
        det = h11 * h22 - h12 * h12
        x[idx, 0] -= (h22 * g[:, 0] - h12 * g[:, 1]) / det
        x[idx, 1] -= (h11 * g[:, 1] - h12 * g[:, 0]) / det
        iters[idx] += 1
    g, h11, h12, h22 = parts(x)
    tr, det = h11 + h22, h11 * h22 - h12 * h12
    disc = np.sqrt(np.maximum(tr * tr / 4 - det, 0))
    lo, hi = tr / 2 - disc, tr / 2 + disc
    cls = np.where((lo > 0), 0, np.where(hi < 0, 1, 2))
    best.append(time.perf_counter() - t0)
print(sorted(best)[len(best) // 2], np.bincount(cls, minlength=3).tolist(), blas(), np.__version__)
`;

async function ours(threads: number, runs: number): Promise<number> {
  const dir = tempDir('bench-tiny-');
  const spec = parseSpec(
    `name: tiny\nseed: 1\nproblem: { kind: torus }\noptimizers: [ { kind: newton } ]\nseeds: ${runs}\nstop: { gradTol: 1.0e-10, maxIter: 200 }\nrecord: { finalParams: true, spectrum: true }\n`,
  );
  const log = pino({ level: 'silent' });
  const t0 = performance.now();
  const r = await runStudy(plannedStudy(spec), {
    out: join(dir, 'out'),
    log,
    transport: () => new LocalTransport(threads, log),
  });
  const secs = (performance.now() - t0) / 1000;
  if (!r.complete) throw new Error('tiny bench: study incomplete');
  rmSync(dir, { recursive: true, force: true });
  return secs;
}

export async function bench(): Promise<BenchReport> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const runs of SIZES) {
    const np = spawnSync('/usr/bin/python3', ['-c', NUMPY, String(runs)], { encoding: 'utf8' });
    if (np.status !== 0) throw new Error(`numpy baseline failed: ${np.stderr}`);
    // "<seconds> [min, max, saddle] <blas library> <numpy version>"
    const m = /^(\S+) (\[[^\]]*\]) (\S+) (\S+)$/.exec(np.stdout.trim());
    if (!m) throw new Error(`numpy baseline printed ${np.stdout}`);
    const [, secs, classes, blasLib, version] = m;
    const numpyRate = runs / Number(secs);
    rows.push({ case: `${runs} runs: numpy ${version} vectorized`, 'runs/s': numpyRate, ratio: 1 });
    for (const threads of [1, 2]) {
      const times: number[] = [];
      for (let i = 0; i < REPS; i++) times.push(await ours(threads, runs));
      const rate = runs / median(times);
      rows.push({
        case: `${runs} runs: saddlescope, ${threads} thread(s)`,
        'runs/s': rate,
        ratio: rate / numpyRate,
      });
    }
    notes.push(
      `${runs} runs, numpy final classes [min, max, saddle]: ${classes}; BLAS mapped by numpy's process: ${blasLib} (elementwise work, BLAS unused)`,
    );
  }
  return {
    title: `Tiny tasks: torus Newton (median of ${REPS})`,
    rows,
    notes: [
      ...notes,
      'saddlescope: plan, pool start-up, journal, segments and done-set included; ratio = runs/s ÷ numpy vectorized at the same size',
    ],
  };
}
