import test from 'ava';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { counterKey, TrialStream } from '../../shared/rng/counter.js';
import {
  classifyInertia,
  denseCensus,
  denseIndex,
  tridiagonalCensus,
  tridiagonalIndex,
  Workspace,
} from '../../shared/trials/census.js';
import { drawDense, drawTridiagonal, type Ensemble } from '../../shared/trials/ensemble.js';
import { denseInertia, type Inertia, sturmCount, tridiagonalInertia } from '../../shared/trials/inertia.js';
import { HistogramAccumulator, tridiagonalEigenvalue } from '../../shared/trials/spectrum.js';

/** Ascending eigenvalues by ml-matrix (the independent reference). */
function eigenvalues(a: Float64Array, n: number): number[] {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
  return new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues.sort(
    (x, y) => x - y,
  );
}

function signCounts(ev: number[], cut: number): Inertia {
  return {
    positive: ev.filter((x) => x > cut).length,
    negative: ev.filter((x) => x < -cut).length,
    zero: ev.filter((x) => Math.abs(x) <= cut).length,
  };
}

/** The tridiagonal model as a dense matrix (off-diagonal √offSq). */
function tridiagonalDense(diag: Float64Array, offSq: Float64Array, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = diag[i];
    if (i < n - 1) {
      const b = Math.sqrt(offSq[i]);
      a[i * n + i + 1] = b;
      a[(i + 1) * n + i] = b;
    }
  }
  return a;
}

test('dense Bunch–Kaufman index equals the eigendecomposition count on the same matrices', (t) => {
  const s = new TrialStream(counterKey('inertia-dense'));
  let checked = 0;
  for (const ensemble of ['paper', 'goe'] as Ensemble[]) {
    for (const n of [1, 2, 3, 4, 5, 8, 13, 30, 64]) {
      const ws = new Workspace(n, 'dense');
      for (let trial = 0; trial < 12; trial++) {
        s.reset(trial);
        const a = drawDense(s, ensemble, n);
        const want = signCounts(eigenvalues(a, n), 0);
        t.deepEqual(denseIndex(s, trial, ensemble, ws, 0), want, `${ensemble} n=${n} trial ${trial}`);
        checked++;
      }
    }
  }
  t.is(checked, 216);
});

test('dense inertia on constructed matrices: 2×2 pivots, zero columns, singular and definite', (t) => {
  const cases: Array<[string, number[][], Inertia]> = [
    [
      'zero diagonal (a 2×2 pivot at once)',
      [
        [0, 1],
        [1, 0],
      ],
      { positive: 1, negative: 1, zero: 0 },
    ],
    [
      'zero matrix',
      [
        [0, 0],
        [0, 0],
      ],
      { positive: 0, negative: 0, zero: 2 },
    ],
    [
      'rank one vvᵀ',
      [
        [1, 2, 3],
        [2, 4, 6],
        [3, 6, 9],
      ],
      { positive: 1, negative: 0, zero: 2 },
    ],
    [
      'negative definite',
      [
        [-2, 1, 0],
        [1, -2, 1],
        [0, 1, -2],
      ],
      { positive: 0, negative: 3, zero: 0 },
    ],
    [
      'interlaced 2×2 blocks with a zero',
      [
        [0, 5, 0, 0],
        [5, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 3],
      ],
      { positive: 2, negative: 1, zero: 1 },
    ],
  ];
  for (const [name, rows, want] of cases) {
    const n = rows.length;
    t.deepEqual(denseInertia(Float64Array.from(rows.flat()), n, 1e-12), want, name);
  }
  t.is(classifyInertia({ positive: 1, negative: 0, zero: 2 }), 'singular');
  t.is(classifyInertia({ positive: 1, negative: 1, zero: 1 }), 'indefinite');
  t.is(classifyInertia({ positive: 0, negative: 3, zero: 0 }), 'negativeDefinite');
  t.is(classifyInertia({ positive: 0, negative: 0, zero: 2 }), 'singular');
});

test('tridiagonal Sturm inertia equals the eigendecomposition count of the same tridiagonal matrices', (t) => {
  const s = new TrialStream(counterKey('inertia-tri'));
  for (const n of [1, 2, 3, 5, 9, 40, 120]) {
    const ws = new Workspace(n, 'tridiagonal');
    for (let trial = 0; trial < 10; trial++) {
      s.reset(trial);
      const { diag, offSq } = drawTridiagonal(s, n);
      const ev = eigenvalues(tridiagonalDense(diag, offSq, n), n);
      t.deepEqual(tridiagonalIndex(s, trial, ws, 0), signCounts(ev, 0), `n=${n} trial ${trial}`);
      // With a wide zero band the zero count is the number of eigenvalues inside it.
      t.deepEqual(tridiagonalInertia(diag, offSq, n, 0.3), signCounts(ev, 0.3));
      // Bisection finds the extreme eigenvalues.
      t.true(Math.abs(tridiagonalEigenvalue(diag, offSq, n, n - 1) - ev[n - 1]) < 1e-9);
      t.true(Math.abs(tridiagonalEigenvalue(diag, offSq, n, 0) - ev[0]) < 1e-9);
    }
  }
});

test('the early-exit census gives the verdict of the full inertia, trial by trial', (t) => {
  // Tridiagonal: both methods run the same two Sturm chains, so they agree for every zero band; a
  // wide one (cut = 0.4) makes `singular` common at small n and exercises the two-chain logic.
  // Dense: the tolerance applies to pivots, which differ between the unpivoted census and pivoted
  // Bunch–Kaufman, so the methods agree exactly only when no pivot falls within the cut (at the
  // default cut, probability ~10⁻¹² per pivot): checked at cut 0 and 10⁻⁹. At cut = 0.4 the census
  // falls back to Bunch–Kaufman whenever a pivot is within the cut, and then agrees by construction.
  const s = new TrialStream(counterKey('census'));
  const seen = new Set<string>();
  for (const n of [1, 2, 3, 4, 6]) {
    for (const cut of [0, 1e-9, 0.4]) {
      for (const ensemble of ['paper', 'goe'] as Ensemble[]) {
        const ws = new Workspace(n, 'dense');
        for (let trial = 0; trial < 300; trial++) {
          const census = denseCensus(s, trial, ensemble, ws, cut);
          const full = classifyInertia(denseIndex(s, trial, ensemble, ws, cut));
          seen.add(census);
          if (census !== full && (cut < 0.1 || census === 'singular')) {
            t.fail(`dense ${ensemble} n=${n} cut=${cut} trial ${trial}: ${census} vs ${full}`);
          }
        }
      }
      const ws = new Workspace(n, 'tridiagonal');
      for (let trial = 0; trial < 300; trial++) {
        const census = tridiagonalCensus(s, trial, ws, cut);
        const full = classifyInertia(tridiagonalIndex(s, trial, ws, cut));
        seen.add(census);
        if (census !== full) t.fail(`tridiagonal n=${n} cut=${cut} trial ${trial}: ${census} vs ${full}`);
      }
    }
  }
  t.deepEqual([...seen].sort(), ['indefinite', 'negativeDefinite', 'positiveDefinite', 'singular']);
});

test('Sturm-count histogram bins hold exactly the eigenvalues that fall in them', (t) => {
  const s = new TrialStream(counterKey('hist'));
  const n = 30;
  const viaSturm = new HistogramAccumulator({ bins: 12, range: [-1.5, 1.5] }, n);
  const viaEig = new HistogramAccumulator({ bins: 12, range: [-1.5, 1.5] }, n);
  for (let trial = 0; trial < 20; trial++) {
    s.reset(trial);
    const { diag, offSq } = drawTridiagonal(s, n);
    viaSturm.addTridiagonal(diag, offSq);
    viaEig.addEigenvalues(eigenvalues(tridiagonalDense(diag, offSq, n), n));
    t.is(sturmCount(diag, offSq, n, 1e9), n);
  }
  t.deepEqual(viaSturm.result(), viaEig.result());
  const r = viaSturm.result();
  t.is(r.counts.reduce((x, y) => x + y, 0) + r.below + r.above, 20 * n);
  t.true(r.below + r.above > 0, 'the range cuts off the edges of the spectrum');
});
