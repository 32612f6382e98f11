import test from 'ava';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { type Inertia, ldlt, SingularMatrixError } from '../../shared/linalg/ldlt.js';
import { factorUnblocked } from '../../shared/linalg/ldlt-unblocked.js';
import { Stream } from '../../shared/rng/stream.js';
import { randomSymmetric } from '../helpers/matrices.js';

const EPS = 2 ** -52;

/** Eigenvalue sign counts from ml-matrix (the independent check), with a relative zero tolerance. */
function eigenInertia(a: Float64Array, n: number, tol = 1e-9): Inertia {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
  const ev = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues;
  const scale = Math.max(...ev.map(Math.abs));
  return {
    positive: ev.filter((x) => x > tol * scale).length,
    negative: ev.filter((x) => x < -tol * scale).length,
    zero: ev.filter((x) => Math.abs(x) <= tol * scale).length,
  };
}

function matVec(a: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** Backward error ‖Ax − b‖∞ / (‖A‖∞‖x‖∞ + ‖b‖∞). */
function backwardError(a: Float64Array, n: number, x: Float64Array, b: Float64Array): number {
  const r = matVec(a, n, x);
  let rn = 0;
  let an = 0;
  let xn = 0;
  let bn = 0;
  for (let i = 0; i < n; i++) {
    rn = Math.max(rn, Math.abs(r[i] - b[i]));
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(a[i * n + j]);
    an = Math.max(an, row);
    xn = Math.max(xn, Math.abs(x[i]));
    bn = Math.max(bn, Math.abs(b[i]));
  }
  return rn / (an * xn + bn);
}

const sizes = [1, 2, 3, 10, 50, 140, 480];

for (const n of sizes)
  for (const zeroDiagonal of [false, true]) {
    const what = zeroDiagonal ? 'with a zero diagonal (2×2 pivots)' : '';
    test(`ldlt inertia and solve on a random symmetric ${n}×${n} ${what}`, (t) => {
      const s = new Stream('test', 1, 'ldlt', n, zeroDiagonal ? 1 : 0);
      const a = randomSymmetric(s, n, zeroDiagonal);
      const copy = Float64Array.from(a);
      const f = ldlt(a, n);
      t.deepEqual(a, copy, 'ldlt must not modify its input');
      t.is(f.n, n);
      if (n === 1 && zeroDiagonal) {
        t.true(f.singular);
        t.deepEqual(f.inertia, { positive: 0, negative: 0, zero: 1 });
        return;
      }
      t.false(f.singular);
      if (n <= 140) t.deepEqual(f.inertia, eigenInertia(a, n));
      t.is(f.inertia.positive + f.inertia.negative + f.inertia.zero, n);
      const b = s.fillNormal(new Float64Array(n));
      const out = new Float64Array(n);
      const x = f.solve(b, out);
      t.is(x, out, 'solve writes into `out` when given');
      t.true(backwardError(a, n, x, b) <= 10 * n * EPS, `backward error ${backwardError(a, n, x, b)}`);
      t.deepEqual(f.solve(b), x, 'solve is repeatable and allocates without `out`');
    });
  }

test('ldlt of [[0, 1], [1, 0]] takes a 2×2 pivot: one positive, one negative', (t) => {
  const f = ldlt(Float64Array.of(0, 1, 1, 0), 2);
  t.deepEqual(f.inertia, { positive: 1, negative: 1, zero: 0 });
  t.false(f.singular);
  t.deepEqual(Array.from(f.solve(Float64Array.of(3, -2))), [-2, 3]);
});

test('ldlt of a saddle-point (KKT) matrix [[I, B], [Bᵀ, 0]] has inertia (n, m, 0)', (t) => {
  const n = 12;
  const m = 5;
  const s = new Stream('test', 1, 'kkt');
  const size = n + m;
  const a = new Float64Array(size * size);
  for (let i = 0; i < n; i++) a[i * size + i] = 1;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const x = s.normal();
      a[i * size + n + j] = x;
      a[(n + j) * size + i] = x;
    }
  // Put the zero block first so the factorization starts on zero diagonals.
  const p = Array.from({ length: size }, (_, i) => (i + n) % size);
  const b = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) b[i * size + j] = a[p[i] * size + p[j]];
  const f = ldlt(b, size);
  t.deepEqual(f.inertia, { positive: n, negative: m, zero: 0 });
  const rhs = s.fillNormal(new Float64Array(size));
  t.true(backwardError(b, size, f.solve(rhs), rhs) <= 10 * size * EPS);
});

test('ldlt of definite matrices: all positive, all negative', (t) => {
  const n = 30;
  const s = new Stream('test', 1, 'definite');
  const j = s.fillNormal(new Float64Array(n * n));
  const g = new Float64Array(n * n);
  for (let p = 0; p < n; p++)
    for (let q = 0; q < n; q++) {
      let x = p === q ? 1 : 0;
      for (let k = 0; k < n; k++) x += j[k * n + p] * j[k * n + q];
      g[p * n + q] = x;
    }
  t.deepEqual(ldlt(g, n).inertia, { positive: n, negative: 0, zero: 0 });
  t.deepEqual(
    ldlt(
      g.map((x) => -x),
      n,
    ).inertia,
    { positive: 0, negative: n, zero: 0 },
  );
});

test('ldlt of exactly singular matrices counts the zero pivots and solve throws', (t) => {
  const cases: Array<[number[], Inertia]> = [
    [[1, 1, 1, 1], { positive: 1, negative: 0, zero: 1 }],
    [[0, 0, 0, 0], { positive: 0, negative: 0, zero: 2 }],
    [[2, 0, 0, 0, 0, 0, 0, 0, -3], { positive: 1, negative: 1, zero: 1 }],
    [[0, 1, 0, 1, 0, 0, 0, 0, 0], { positive: 1, negative: 1, zero: 1 }],
  ];
  for (const [entries, inertia] of cases) {
    const n = Math.round(Math.sqrt(entries.length));
    const f = ldlt(Float64Array.from(entries), n);
    t.deepEqual(f.inertia, inertia, JSON.stringify(entries));
    t.true(f.singular);
    const err = t.throws(() => f.solve(new Float64Array(n)), { instanceOf: SingularMatrixError });
    t.is(err?.name, 'SingularMatrixError');
    t.regex(err?.message ?? '', /singular/);
  }
});

test('ldlt of a rank-deficient integer Gram matrix BBᵀ − CCᵀ reports its zero count', (t) => {
  // B is n × 4 and C is n × 2 with small integer entries, so A is exact in float64 and has rank 6.
  const n = 15;
  const s = new Stream('test', 1, 'rank');
  const int = () => Math.round(3 * s.normal());
  const bm = Array.from({ length: n * 4 }, int);
  const cm = Array.from({ length: n * 2 }, int);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let k = 0; k < 4; k++) x += bm[i * 4 + k] * bm[j * 4 + k];
      for (let k = 0; k < 2; k++) x -= cm[i * 2 + k] * cm[j * 2 + k];
      a[i * n + j] = x;
    }
  const f = ldlt(a, n, { zeroTol: 1e-10 });
  t.deepEqual(f.inertia, { positive: 4, negative: 2, zero: n - 6 });
  t.deepEqual(f.inertia, eigenInertia(a, n));
  t.true(f.singular);
  t.throws(() => f.solve(new Float64Array(n)), { instanceOf: SingularMatrixError });
});

test('ldlt zeroTol is relative to max |Aᵢⱼ|', (t) => {
  const a = Float64Array.of(1e6, 0, 0, 1e-6);
  t.false(ldlt(a, 2).singular);
  const f = ldlt(a, 2, { zeroTol: 1e-9 });
  t.true(f.singular);
  t.deepEqual(f.inertia, { positive: 1, negative: 0, zero: 1 });
});

test('ldlt rejects a matrix of the wrong length', (t) => {
  t.throws(() => ldlt(new Float64Array(3), 2), {
    instanceOf: RangeError,
    message: /3 entries, expected 2×2/,
  });
});

test('blocked and unblocked Bunch–Kaufman agree (panels with 2×2 pivots and interchanges)', (t) => {
  // Sizes past the blocked threshold, with zero diagonals so 2×2 pivots land inside and across panels.
  for (const [n, zeroDiagonal] of [
    [97, true],
    [150, false],
    [211, true],
  ] as const) {
    const s = new Stream('test', 1, 'blocked', n);
    const a = randomSymmetric(s, n, zeroDiagonal);
    const f = ldlt(a, n);
    const m = Float64Array.from(a);
    const perm = Int32Array.from({ length: n }, (_, i) => i);
    const block = new Uint8Array(n);
    const signs = { positive: 0, negative: 0, zero: 0 };
    factorUnblocked(m, n, perm, block, (d) => {
      if (d > 0) signs.positive++;
      else if (d < 0) signs.negative++;
      else signs.zero++;
    });
    t.true(
      block.some((b) => b === 2),
      'the matrix exercises 2×2 pivots',
    );
    t.deepEqual(f.inertia, signs);
    const b = s.fillNormal(new Float64Array(n));
    t.true(backwardError(a, n, f.solve(b), b) <= 10 * n * EPS);
  }
});

test('ldlt of a large saddle-point matrix and a large rank-deficient one (blocked path)', (t) => {
  const n = 160;
  const mm = 70;
  const size = n + mm;
  const s = new Stream('test', 1, 'kkt-large');
  const a = new Float64Array(size * size);
  // Zero block first: every early pivot must be 2×2 or an interchange.
  for (let i = 0; i < n; i++) a[(mm + i) * size + mm + i] = 1 + s.uniform();
  for (let i = 0; i < n; i++)
    for (let j = 0; j < mm; j++) {
      const x = s.normal();
      a[(mm + i) * size + j] = x;
      a[j * size + mm + i] = x;
    }
  const f = ldlt(a, size);
  t.deepEqual(f.inertia, { positive: n, negative: mm, zero: 0 });
  const rhs = s.fillNormal(new Float64Array(size));
  t.true(backwardError(a, size, f.solve(rhs), rhs) <= 10 * size * EPS);
  // Rank 12 integer Gram matrix of size 130: exactly 118 zero eigenvalues.
  const k = 130;
  const bm = Array.from({ length: k * 12 }, () => Math.round(3 * s.normal()));
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let x = 0;
      for (let q = 0; q < 12; q++) x += (q < 8 ? 1 : -1) * bm[i * 12 + q] * bm[j * 12 + q];
      g[i * k + j] = x;
    }
  const fg = ldlt(g, k, { zeroTol: 1e-9 });
  t.deepEqual(fg.inertia, { positive: 8, negative: 4, zero: k - 12 });
  t.true(fg.singular);
});
