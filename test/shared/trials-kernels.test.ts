import test from 'ava';
import { counterKey, TrialStream } from '../../shared/rng/counter.js';
import { denseIndex, tridiagonalIndex, Workspace } from '../../shared/trials/census.js';
import { eliminationSimd } from '../../shared/trials/elimination-simd.js';
import { drawDense, drawTridiagonal, drawUpper, type Ensemble } from '../../shared/trials/ensemble.js';
import { denseInertia, PIVMIN, tridiagonalInertia } from '../../shared/trials/inertia.js';
import { tridiagonalGoeSturm } from '../../shared/trials/tridiagonal-goe.js';
import { tridiagonalGoeSturmWasm } from '../../shared/trials/tridiagonal-goe-wasm.js';

// The hand-written fast paths against the simple code they replace: the WebAssembly SIMD rank-1 and
// rank-2 updates against the scalar loops (bit for bit: same inertia and the same factored upper
// triangle), the fused tridiagonal draw + Sturm chains against drawing then counting.

/** Factors `m` (n × n) by the scalar path (a plain array) and by the SIMD path (the kernel's memory). */
function bothPaths(m: Float64Array, n: number, cut: number) {
  const kernel = eliminationSimd;
  if (!kernel) throw new Error('no WebAssembly SIMD');
  const plain = Float64Array.from(m);
  const scalar = denseInertia(plain, n, cut);
  const a = kernel.matrix(n);
  a.set(m);
  const simd = denseInertia(a, n, cut);
  return { scalar, simd, plain, factored: Float64Array.from(a) };
}

/** A row-major symmetric n × n matrix from its upper triangle entries f(i, j), i ≤ j. */
function symmetric(n: number, f: (i: number, j: number) => number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      a[i * n + j] = f(i, j);
      a[j * n + i] = a[i * n + j];
    }
  return a;
}

test('the SIMD elimination kernel exists here and is used only on its own matrix', (t) => {
  t.truthy(eliminationSimd, 'WebAssembly SIMD is available in Node ≥ 16.4');
  const kernel = eliminationSimd;
  if (!kernel) return;
  t.true(kernel.owns(kernel.matrix(9), 9));
  t.false(kernel.owns(kernel.matrix(9), 8));
  t.false(kernel.owns(new Float64Array(81), 9));
});

test('SIMD and scalar Bunch–Kaufman agree bit for bit on random matrices', (t) => {
  const s = new TrialStream(counterKey('simd-vs-scalar'));
  let checked = 0;
  for (const ensemble of ['paper', 'goe'] as Ensemble[]) {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 31, 64, 101, 160]) {
      for (let trial = 0; trial < 6; trial++) {
        s.reset(trial);
        const m = drawDense(s, ensemble, n);
        for (const cut of [0, 0.5]) {
          const r = bothPaths(m, n, cut);
          t.deepEqual(r.simd, r.scalar, `${ensemble} n=${n} trial ${trial} cut ${cut}`);
          t.deepEqual(r.factored, r.plain, `${ensemble} n=${n} trial ${trial}: factored entries`);
          checked++;
        }
      }
    }
  }
  t.is(checked, 2 * 14 * 6 * 2);
});

test('SIMD and scalar Bunch–Kaufman agree on singular, 2×2-pivot heavy and badly scaled matrices', (t) => {
  const s = new TrialStream(counterKey('simd-tricky'));
  const z = () => s.normal();
  const cases: Array<[string, number, (i: number, j: number) => number]> = [];
  for (const n of [5, 12, 37, 66]) {
    // Zero diagonal: every step starts with a 2×2 pivot candidate.
    cases.push([`zero diagonal n=${n}`, n, (i, j) => (i === j ? 0 : z())]);
    // Small integers: exact arithmetic, exact zero pivots and zero columns.
    cases.push([`integers in [-1, 1] n=${n}`, n, () => Math.round(1.4 * z()) % 2]);
    // Rank 3 (v₁v₁ᵀ − v₂v₂ᵀ + v₃v₃ᵀ): n − 3 zero eigenvalues, up to rounding.
    const v = Array.from({ length: 3 }, () => Array.from({ length: n }, z));
    cases.push([`rank 3 n=${n}`, n, (i, j) => v[0][i] * v[0][j] - v[1][i] * v[1][j] + v[2][i] * v[2][j]]);
    // A zero block: rows and columns ≥ n/2 vanish.
    cases.push([`zero block n=${n}`, n, (_i, j) => (j >= n >> 1 ? 0 : z())]);
    for (const scale of [1e-150, 1e150, 2 ** -1060])
      cases.push([`scale ${scale} n=${n}`, n, () => scale * z()]);
    // Entries spanning 10⁻¹⁵⁰ … 10¹⁵⁰.
    cases.push([`mixed scales n=${n}`, n, () => z() * 10 ** Math.round(100 * z())]);
    // Tiny diagonal against large off-diagonals: 2×2 pivots throughout.
    cases.push([`weak diagonal n=${n}`, n, (i, j) => (i === j ? 1e-9 * z() : z())]);
  }
  for (const [name, n, f] of cases) {
    const m = symmetric(n, f);
    for (const cut of [0, 1e-12]) {
      const r = bothPaths(m, n, cut);
      t.deepEqual(r.simd, r.scalar, `${name} cut ${cut}`);
      t.deepEqual(r.factored, r.plain, `${name} cut ${cut}: factored entries`);
    }
  }
  // The tricky matrices do exercise zeros.
  const rank = bothPaths(
    symmetric(8, (i, j) => (i + 1) * (j + 1)),
    8,
    1e-9,
  );
  t.deepEqual(rank.simd, { positive: 1, negative: 0, zero: 7 });
});

test('drawUpper writes the upper triangle of drawDense', (t) => {
  const s = new TrialStream(counterKey('draw-upper'));
  for (const n of [1, 7, 8, 9, 50]) {
    s.reset(3);
    const full = drawDense(s, 'goe', n);
    const a = new Float64Array(n * n).fill(Number.NaN);
    s.reset(3);
    drawUpper(s, 'goe', n, a, new Float64Array(8 * n), 8);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (j >= i) t.is(a[i * n + j], full[i * n + j]);
        else t.true(Number.isNaN(a[i * n + j]), 'the strict lower triangle is left alone');
      }
  }
});

test('denseIndex (SIMD, in the kernel memory) equals the scalar inertia of the same matrices', (t) => {
  const s = new TrialStream(counterKey('dense-index-paths'));
  for (const ensemble of ['paper', 'goe'] as Ensemble[]) {
    for (const n of [3, 10, 47, 120]) {
      const ws = new Workspace(n, 'dense');
      for (let trial = 0; trial < 5; trial++) {
        s.reset(trial);
        const scalar = denseInertia(drawDense(s, ensemble, n), n, 1e-9);
        t.deepEqual(denseIndex(s, trial, ensemble, ws, 1e-9), scalar, `${ensemble} n=${n} trial ${trial}`);
      }
    }
  }
});

test('the fused tridiagonal Sturm chains give the counts of drawing then counting, and draw alike', (t) => {
  t.truthy(tridiagonalGoeSturmWasm, 'WebAssembly is available');
  const s = new TrialStream(counterKey('fused-sturm'));
  const out = new Int32Array(2);
  for (const n of [1, 2, 3, 5, 17, 120, 480]) {
    const ws = new Workspace(n, 'tridiagonal');
    for (let trial = 0; trial < 40; trial++) {
      for (const cut of [0, 1e-9, 0.3, 2]) {
        s.reset(trial);
        const { diag, offSq } = drawTridiagonal(s, n);
        const next = s.normal();
        const want = tridiagonalInertia(diag, offSq, n, cut);
        for (const [name, kernel] of [
          ['JavaScript', tridiagonalGoeSturm],
          ['WebAssembly', tridiagonalGoeSturmWasm],
        ] as const) {
          if (!kernel) continue;
          s.reset(trial);
          out.fill(-1);
          kernel(s, n, cut, PIVMIN, out);
          t.is(s.normal(), next, `${name}: the stream is left where drawing leaves it`);
          t.deepEqual(
            { positive: n - out[1], negative: out[0], zero: out[1] - out[0] },
            want,
            `${name} n=${n} trial ${trial} cut ${cut}`,
          );
        }
        t.deepEqual(tridiagonalIndex(s, trial, ws, cut), want);
      }
    }
  }
});
