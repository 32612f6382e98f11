import test from 'ava';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { eigSym, eigSym2Values } from '../../shared/linalg/eig.js';
import { Stream } from '../../shared/rng/stream.js';
import { randomSymmetric } from '../helpers/matrices.js';

const EPS = 2 ** -52;

/** JᵀJ with J m × n, m < n (rank m), plus `small` times a random symmetric matrix of rank r. */
function gramPlusIndefinite(s: Stream, n: number, m: number, r: number, small: number): Float64Array {
  const j = new Float64Array(m * n);
  s.fillNormal(j);
  const u = new Float64Array(r * n);
  s.fillNormal(u);
  const sign = Array.from({ length: r }, (_, k) => (k % 2 === 0 ? 1 : -1));
  const a = new Float64Array(n * n);
  for (let p = 0; p < n; p++)
    for (let q = 0; q < n; q++) {
      let g = 0;
      for (let k = 0; k < m; k++) g += j[k * n + p] * j[k * n + q];
      let h = 0;
      for (let k = 0; k < r; k++) h += sign[k] * u[k * n + p] * u[k * n + q];
      a[p * n + q] = g + small * h;
    }
  return a;
}

/** Q diag(lambda) Qᵀ with Q a random orthogonal matrix (Gram–Schmidt of a Gaussian matrix). */
function withSpectrum(s: Stream, lambda: readonly number[]): Float64Array {
  const n = lambda.length;
  const q = new Float64Array(n * n);
  s.fillNormal(q);
  // Columns of q, orthonormalized twice (classical Gram–Schmidt, reorthogonalized).
  for (let pass = 0; pass < 2; pass++)
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += q[i * n + j] * q[i * n + k];
        for (let i = 0; i < n; i++) q[i * n + j] -= d * q[i * n + k];
      }
      let nn = 0;
      for (let i = 0; i < n; i++) nn += q[i * n + j] ** 2;
      for (let i = 0; i < n; i++) q[i * n + j] /= Math.sqrt(nn);
    }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let k = 0; k < n; k++) x += q[i * n + k] * lambda[k] * q[j * n + k];
      a[i * n + j] = x;
    }
  // Symmetrize exactly.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  return a;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const x of a) m = Math.max(m, Math.abs(x));
  return m;
}

/** max |(AV − VΛ)ᵢⱼ| and max |(VᵀV − I)ᵢⱼ|. */
function residuals(a: Float64Array, n: number, values: Float64Array, v: Float64Array) {
  let res = 0;
  let orth = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k] * v[k * n + j];
      res = Math.max(res, Math.abs(av - v[i * n + j] * values[j]));
      let g = 0;
      for (let k = 0; k < n; k++) g += v[k * n + i] * v[k * n + j];
      orth = Math.max(orth, Math.abs(g - (i === j ? 1 : 0)));
    }
  return { res, orth };
}

function checkDecomposition(t: import('ava').ExecutionContext, a: Float64Array, n: number) {
  const copy = Float64Array.from(a);
  const { values, vectors } = eigSym(a, n, { vectors: true });
  t.deepEqual(a, copy, 'eigSym must not modify its input');
  t.truthy(vectors);
  for (let j = 1; j < n; j++) t.true(values[j - 1] <= values[j], 'values ascend');
  const scale = Math.max(maxAbs(a), Number.MIN_VALUE);
  const { res, orth } = residuals(a, n, values, vectors!);
  t.true(res <= 20 * n * EPS * scale, `residual ${res} at n = ${n}`);
  t.true(orth <= 20 * n * EPS, `orthogonality ${orth} at n = ${n}`);
  const only = eigSym(a, n).values;
  t.is(eigSym(a, n).vectors, null);
  for (let j = 0; j < n; j++)
    t.true(Math.abs(only[j] - values[j]) <= 20 * n * EPS * scale, `values-only differs at ${j}`);
  return { values, vectors: vectors! };
}

function reference(a: Float64Array, n: number) {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const order = evd.realEigenvalues
    .map((_, i) => i)
    .sort((i, j) => evd.realEigenvalues[i] - evd.realEigenvalues[j]);
  return {
    values: order.map((i) => evd.realEigenvalues[i]),
    vector: (j: number) => evd.eigenvectorMatrix.getColumn(order[j]),
  };
}

for (const n of [1, 2, 3, 10, 50, 140]) {
  test(`eigSym matches ml-matrix on a random symmetric ${n}×${n}`, (t) => {
    const a = randomSymmetric(new Stream('test', 1, 'eig', n), n);
    const { values, vectors } = checkDecomposition(t, a, n);
    const ref = reference(a, n);
    const scale = maxAbs(a);
    let gap = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      t.true(Math.abs(values[j] - ref.values[j]) <= 50 * n * EPS * scale, `value ${j}`);
      if (j > 0) gap = Math.min(gap, values[j] - values[j - 1]);
    }
    // Eigenvectors agree up to sign; the angle is bounded by ε‖A‖ / gap.
    for (let j = 0; j < n; j++) {
      const r = ref.vector(j);
      let d = 0;
      for (let i = 0; i < n; i++) d += vectors[i * n + j] * r[i];
      t.true(1 - Math.abs(d) <= 1e-8, `vector ${j}: |cos| = ${Math.abs(d)} (gap ${gap})`);
    }
  });
}

for (const n of [480, 500]) {
  test(`eigSym residual and orthogonality on a random symmetric ${n}×${n}`, (t) => {
    checkDecomposition(t, randomSymmetric(new Stream('test', 1, 'eig-large', n), n), n);
  });
}

for (const [n, m, r] of [
  [30, 5, 2],
  [140, 20, 4],
  [300, 40, 6],
]) {
  test(`eigSym on a trivial-saddle-like Hessian: Gram rank ${m} plus indefinite rank ${r}, n = ${n}`, (t) => {
    const a = gramPlusIndefinite(new Stream('test', 1, 'gram', n), n, m, r, 1e-3);
    const { values } = checkDecomposition(t, a, n);
    const scale = maxAbs(a);
    const tiny = values.filter((x) => Math.abs(x) <= 1e-10 * scale).length;
    // Exactly n − m − r eigenvalues vanish in exact arithmetic; the rest are well away from zero.
    t.is(tiny, n - m - r);
    const negative = values.filter((x) => x < -1e-10 * scale).length;
    t.true(negative >= 1, 'the small indefinite part yields negative eigenvalues');
    if (n <= 140) {
      const ref = reference(a, n);
      for (let j = 0; j < n; j++) t.true(Math.abs(values[j] - ref.values[j]) <= 50 * n * EPS * scale);
    }
  });
}

test('eigSym on prescribed clustered spectra', (t) => {
  const spectra: number[][] = [
    [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, -3, -3],
    Array.from({ length: 60 }, (_, i) => (i < 50 ? 1e-14 * (i % 3) : i - 55)),
    Array.from({ length: 40 }, (_, i) => 1 + 1e-9 * i),
    Array.from({ length: 30 }, (_, i) => (i % 2 ? 1 : -1) * 10 ** (i / 3 - 5)),
  ];
  for (const lambda of spectra) {
    const n = lambda.length;
    const a = withSpectrum(new Stream('test', 1, 'spectrum', n), lambda);
    const { values } = checkDecomposition(t, a, n);
    const sorted = [...lambda].sort((x, y) => x - y);
    const scale = maxAbs(a);
    for (let j = 0; j < n; j++) t.true(Math.abs(values[j] - sorted[j]) <= 1e-12 * Math.max(scale, 1));
  }
});

test('eigSym on diagonal matrices sorts the diagonal and returns signed unit vectors', (t) => {
  const diag = [3, -1, 0, 3, 2.5, -7, 0];
  const n = diag.length;
  const a = new Float64Array(n * n);
  diag.forEach((x, i) => {
    a[i * n + i] = x;
  });
  const { values, vectors } = checkDecomposition(t, a, n);
  t.deepEqual(
    Array.from(values),
    [...diag].sort((x, y) => x - y),
  );
  for (let j = 0; j < n; j++) {
    let nonzero = 0;
    for (let i = 0; i < n; i++) if (vectors[i * n + j] !== 0) nonzero++;
    t.is(nonzero, 1, `column ${j} is a coordinate vector`);
  }
});

test('eigSym on 1×1, 0×0, zero and identity matrices', (t) => {
  const one = eigSym(Float64Array.of(-2.5), 1, { vectors: true });
  t.deepEqual(Array.from(one.values), [-2.5]);
  t.deepEqual(Array.from(one.vectors!), [1]);
  t.is(eigSym(new Float64Array(0), 0).values.length, 0);
  const z = eigSym(new Float64Array(25), 5, { vectors: true });
  t.deepEqual(Array.from(z.values), [0, 0, 0, 0, 0]);
  t.true(residuals(new Float64Array(25), 5, z.values, z.vectors!).orth <= 1e-15);
  const id = new Float64Array(16);
  for (let i = 0; i < 4; i++) id[i * 4 + i] = 1;
  t.deepEqual(Array.from(eigSym(id, 4).values), [1, 1, 1, 1]);
});

test('eigSym on a block-diagonal matrix (the reduction meets zero columns)', (t) => {
  const n = 9;
  const a = new Float64Array(n * n);
  const s = new Stream('test', 1, 'blocks');
  for (const [lo, hi] of [
    [0, 3],
    [3, 4],
    [4, 9],
  ])
    for (let i = lo; i < hi; i++)
      for (let j = lo; j <= i; j++) {
        const x = s.normal();
        a[i * n + j] = x;
        a[j * n + i] = x;
      }
  checkDecomposition(t, a, n);
});

test('eigSym on matrices with huge and tiny scales', (t) => {
  for (const f of [1e-150, 1e150]) {
    const n = 12;
    const a = randomSymmetric(new Stream('test', 1, 'scale'), n).map((x) => x * f);
    checkDecomposition(t, a, n);
  }
});

test('eigSym rejects a matrix of the wrong length', (t) => {
  t.throws(() => eigSym(new Float64Array(5), 2), {
    instanceOf: RangeError,
    message: /5 entries, expected 2×2/,
  });
});

test('eigSym on tridiagonal classics: 1-2-1 Toeplitz (known spectrum) and glued Wilkinson W21+', (t) => {
  const n = 200;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = 2;
    if (i > 0) {
      a[i * n + i - 1] = -1;
      a[(i - 1) * n + i] = -1;
    }
  }
  const { values } = checkDecomposition(t, a, n);
  for (let k = 1; k <= n; k++)
    t.true(Math.abs(values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1)))) <= 1e-13, `λ_${k}`);
  // Five copies of W21+ glued by 1e-8: eigenvalues in pairs agreeing to ~1e-14 and clusters of five.
  const w = 21;
  const m = 5 * w;
  const g = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    g[i * m + i] = Math.abs((i % w) - 10);
    if (i > 0) {
      const c = i % w === 0 ? 1e-8 : 1;
      g[i * m + i - 1] = c;
      g[(i - 1) * m + i] = c;
    }
  }
  checkDecomposition(t, g, m);
});

test('eigSym2Values: eigSym(a, 2)’s values bit for bit, random and special 2×2 matrices', (t) => {
  const rng = new Stream('eig2', 1);
  const specials = [
    0,
    -0,
    1,
    -1,
    1e-300,
    -1e300,
    5e-324,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -Number.MAX_VALUE,
  ];
  const cases: number[][] = [];
  for (let i = 0; i < 100_000; i++) {
    // Scales from 1e-12 to 1e12, with exact ties and zero off-diagonals among them.
    const s = 10 ** (24 * rng.uniform() - 12);
    const a = s * rng.normal();
    const b = i % 7 === 0 ? 0 : s * rng.normal();
    const c = i % 11 === 0 ? a : s * rng.normal();
    cases.push([a, b, c]);
  }
  for (const a of specials) for (const b of specials) for (const c of specials) cases.push([a, b, c]);
  const out = new Float64Array(2);
  let diffs = 0;
  for (const [a, b, c] of cases) {
    const want = eigSym(Float64Array.of(a, b, b, c), 2).values;
    eigSym2Values(a, b, c, out);
    if (!(Object.is(out[0], want[0]) && Object.is(out[1], want[1])) && diffs++ < 5)
      t.fail(`[[${a}, ${b}], [${b}, ${c}]]: ${out} vs ${want}`);
  }
  t.is(diffs, 0);
});
