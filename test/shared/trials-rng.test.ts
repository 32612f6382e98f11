import test from 'ava';
import { counterKey, TrialStream, threefry2x32, threefryOut } from '../../shared/rng/counter.js';
import { normalQuantile } from '../../shared/trials/special.js';
import { fillTridiagonalGoe } from '../../shared/trials/tridiagonal-goe.js';

// Random123's kat_vectors for threefry2x32 with 20 rounds: counter, key → output.
const KAT: Array<[[number, number], [number, number], [number, number]]> = [
  [
    [0, 0],
    [0, 0],
    [0x6b200159, 0x99ba4efe],
  ],
  [
    [0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x1cb996fc, 0xbb002be7],
  ],
  [
    [0x243f6a88, 0x85a308d3],
    [0x13198a2e, 0x03707344],
    [0xc4923a9c, 0x483df7a0],
  ],
];

test('threefry2x32-20 matches the Random123 known-answer vectors', (t) => {
  for (const [[c0, c1], [k0, k1], want] of KAT) {
    threefry2x32(k0, k1, c0, c1);
    t.deepEqual(threefryOut(), want);
  }
});

test('a trial stream depends only on (key, trial): reset replays it, other trials and keys differ', (t) => {
  const key = counterKey('test', 1);
  const a = new TrialStream(key, 5);
  const first = Array.from({ length: 20 }, () => a.normal());
  a.reset(6);
  const other = Array.from({ length: 20 }, () => a.normal());
  a.reset(5);
  t.deepEqual(
    Array.from({ length: 20 }, () => a.normal()),
    first,
  );
  t.deepEqual(
    Array.from({ length: 20 }, () => new TrialStream(key, 5).normal()),
    Array(20).fill(first[0]),
  );
  t.notDeepEqual(other, first);
  const b = new TrialStream(counterKey('test', 2), 5);
  t.notDeepEqual(
    Array.from({ length: 20 }, () => b.normal()),
    first,
  );
  t.throws(() => a.reset(2 ** 32), { message: /trial must be an integer in \[0, 2\^32\)/ });
  t.throws(() => a.reset(-1), { message: /trial must be an integer/ });
});

test('fill kernels draw exactly the variates of the single-variate methods, in the same order', (t) => {
  const s = new TrialStream(counterKey('fill'));
  for (let trial = 0; trial < 50; trial++) {
    const out = new Float64Array(300);
    s.reset(trial);
    s.fillNormal(out, 0, 100, 0.5);
    s.fillNormal(out, 100, 300);
    s.reset(trial);
    const want = Array.from({ length: 300 }, (_, i) => (i < 100 ? 0.5 : 1) * s.normal());
    t.deepEqual(Array.from(out), want);
  }
  for (const n of [1, 2, 3, 7, 60]) {
    const diag = new Float64Array(n);
    const offSq = new Float64Array(n);
    for (let trial = 0; trial < 40; trial++) {
      s.reset(trial);
      fillTridiagonalGoe(s, diag, offSq, 0, n, n);
      s.reset(trial);
      for (let k = 0; k < n; k++) {
        t.is(diag[k], s.normal());
        if (k < n - 1) t.is(offSq[k], s.gamma((n - 1 - k) / 2));
      }
      // Drawn in chunks, the model is the same.
      const d2 = new Float64Array(n);
      const o2 = new Float64Array(n);
      s.reset(trial);
      for (let k = 0; k < n; k += 3) fillTridiagonalGoe(s, d2, o2, k, Math.min(n, k + 3), n);
      t.deepEqual(d2, diag);
      t.deepEqual(o2, offSq);
    }
  }
});

test('normals have the standard normal law, tails and wedges included', (t) => {
  // 2·10⁶ variates. Each check compares a count with its binomial expectation within 5 standard
  // errors (a false alarm has probability ~6·10⁻⁷ per check; the seed is fixed anyway).
  const N = 2_000_000;
  const z = new Float64Array(N);
  const s = new TrialStream(counterKey('normal-law'));
  s.fillNormal(z, 0, N);
  const ps = [1e-4, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999, 1 - 1e-4];
  const qs = ps.map(normalQuantile);
  const below = new Array<number>(ps.length).fill(0);
  let sum = 0;
  let sum2 = 0;
  let tail = 0;
  for (const x of z) {
    sum += x;
    sum2 += x * x;
    if (Math.abs(x) > 3.654152885361009) tail++;
    for (let i = 0; i < qs.length; i++) if (x < qs[i]) below[i]++;
  }
  ps.forEach((p, i) => {
    const se = Math.sqrt((p * (1 - p)) / N);
    t.true(Math.abs(below[i] / N - p) < 5 * se, `P(Z < Φ⁻¹(${p})) = ${below[i] / N}`);
  });
  t.true(Math.abs(sum / N) < 5 / Math.sqrt(N));
  // Var(Z²) = 2.
  t.true(Math.abs(sum2 / N - 1) < 5 * Math.sqrt(2 / N));
  // Beyond the ziggurat's base R = 3.654 (the tail algorithm): P = 2(1 − Φ(R)) = 2.5810e-4.
  const pTail = 2 * normalQuantileInverseTail(3.654152885361009);
  t.true(Math.abs(tail / N - pTail) < 5 * Math.sqrt(pTail / N), `tail ${tail / N} vs ${pTail}`);
});

/** 1 − Φ(x) for x > 0 by bisection on normalQuantile (enough for a test). */
function normalQuantileInverseTail(x: number): number {
  let lo = 1e-12;
  let hi = 0.5;
  for (let i = 0; i < 200; i++) {
    const mid = Math.sqrt(lo * hi);
    if (-normalQuantile(mid) > x) lo = mid;
    else hi = mid;
  }
  return lo;
}

test('gamma variates have mean, variance and third central moment equal to 1, 1, 2 times the shape', (t) => {
  const s = new TrialStream(counterKey('gamma-law'));
  const N = 200_000;
  for (const shape of [0.5, 1, 2.5, 40, 239.5]) {
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    for (let i = 0; i < N; i++) {
      const x = s.gamma(shape) - shape;
      m1 += x;
      m2 += x * x;
      m3 += x * x * x;
    }
    m1 /= N;
    m2 /= N;
    m3 /= N;
    // Standard errors: √(a/N) for the mean; √((μ₄ − a²)/N) = √((3a² + 6a − a²)/N) for the variance.
    t.true(Math.abs(m1) < 5 * Math.sqrt(shape / N), `shape ${shape}: mean error ${m1}`);
    t.true(
      Math.abs(m2 - shape) < 5 * Math.sqrt((2 * shape * shape + 6 * shape) / N),
      `shape ${shape}: var ${m2}`,
    );
    // The third moment is noisier (μ₆ − μ₃² ≈ 15a³ + 130a² + 120a): a 6-SE band.
    const se3 = Math.sqrt((15 * shape ** 3 + 130 * shape ** 2 + 120 * shape) / N);
    t.true(Math.abs(m3 - 2 * shape) < 6 * se3, `shape ${shape}: third moment ${m3}`);
  }
  t.throws(() => s.gamma(0.7), { message: /shape must be 1\/2 or >= 1/ });
});
