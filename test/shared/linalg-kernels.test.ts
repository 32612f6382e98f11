import test from 'ava';
import { matmul, matmulScalar } from '../../shared/linalg/gemm.js';
import { tridiagonalize } from '../../shared/linalg/householder-tridiagonal.js';
import { secularRoot } from '../../shared/linalg/secular.js';
import { simd } from '../../shared/linalg/simd-kernel.js';
import { tridiagonalSimd } from '../../shared/linalg/tridiagonal-simd.js';
import { Stream } from '../../shared/rng/stream.js';

test('the WebAssembly SIMD kernel is available on Node 20', (t) => {
  t.not(simd, null);
});

test('matmul (SIMD, packed) equals the scalar kernel bit for bit, = and +=, ragged sizes', (t) => {
  const s = new Stream('test', 1, 'gemm');
  for (const [m, n, p] of [
    [1, 1, 1],
    [5, 7, 3],
    [33, 17, 64],
    [64, 130, 29],
  ]) {
    const a = s.fillNormal(new Float64Array(m * p));
    const b = s.fillNormal(new Float64Array(p * n));
    const c0 = s.fillNormal(new Float64Array(m * n));
    for (const accumulate of [false, true]) {
      const fast = Float64Array.from(c0);
      const slow = Float64Array.from(c0);
      matmul(m, n, p, a, b, fast, accumulate);
      matmulScalar(m, n, p, a, b, slow, accumulate);
      // Same products, same summation order, no fused multiply-add: identical results.
      t.deepEqual(fast, slow, `${m}×${p} · ${p}×${n}, accumulate ${accumulate}`);
      let err = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let x = accumulate ? c0[i * n + j] : 0;
          for (let q = 0; q < p; q++) x += a[i * p + q] * b[q * n + j];
          err = Math.max(err, Math.abs(x - fast[i * n + j]));
        }
      t.true(err <= 1e-12 * p, `against the definition: ${err}`);
    }
  }
});

test('secularRoot: roots interlace, solve the equation, and deltas match dᵢ − λ', (t) => {
  const d = Float64Array.of(-2, -1, -0.999999, 0.5, 3);
  const z = Float64Array.of(0.5, 1e-4, 0.3, 0.6, 0.5);
  let zz = 0;
  for (const x of z) zz += x * x;
  const rho = 0.7;
  const delta = new Float64Array(5);
  for (let j = 0; j < 5; j++) {
    const lam = secularRoot(5, d, z, rho, zz, j, delta);
    t.true(lam > d[j], `root ${j} above its pole`);
    if (j < 4) t.true(lam < d[j + 1], `root ${j} below the next pole`);
    else t.true(lam <= d[4] + rho * zz);
    let f = 1;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      f += (rho * z[i] * z[i]) / delta[i];
      scale += Math.abs((rho * z[i] * z[i]) / delta[i]);
      t.true(Math.abs(delta[i] - (d[i] - lam)) <= 4e-16 * Math.max(Math.abs(d[i]), Math.abs(lam), 1));
    }
    t.true(Math.abs(f) <= 1e-13 * scale, `f(λ_${j}) = ${f}`);
  }
});

test('tridiagonalize: the SIMD fused pass agrees with the scalar one and reduces A to T = QᵀAQ', (t) => {
  t.not(tridiagonalSimd, null);
  const s = new Stream('test', 2, 'tridiagonal');
  // Odd and even sizes: the kernel's column pairs end on an odd column in every other row group.
  for (const n of [24, 25, 37, 64, 101]) {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = s.normal();
    const fast = tridiagonalize(a, n, true);
    const slow = tridiagonalize(a, n, true, { simd: false });
    // Only the row sums y[r] are added in another order: the results agree to rounding.
    const scale = Math.sqrt(n);
    for (const key of ['d', 'e', 'tau'] as const) {
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(fast[key][i] - slow[key][i]));
      t.true(err < 1e-12 * scale, `n = ${n}, ${key}: ${err}`);
    }
    // T = Qᵀ A Q with Q from the SIMD run's reflectors: apply Hᵢ to A on both sides.
    const q = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    for (let i = n - 2; i >= 0; i--) {
      const v = fast.reflectors!.subarray(i * n, i * n + n);
      const tau = fast.tau[i];
      for (let c = 0; c < n; c++) {
        let dot = 0;
        for (let r = i + 1; r < n; r++) dot += v[r] * q[r * n + c];
        for (let r = i + 1; r < n; r++) q[r * n + c] -= tau * v[r] * dot;
      }
    }
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let x = 0;
        for (let r = 0; r < n; r++) {
          let ar = 0;
          for (let c = 0; c < n; c++) ar += a[r * n + c] * q[c * n + j];
          x += q[r * n + i] * ar;
        }
        const want = i === j ? fast.d[i] : Math.abs(i - j) === 1 ? fast.e[Math.min(i, j)] : 0;
        worst = Math.max(worst, Math.abs(x - want));
      }
    t.true(worst < 1e-11 * scale, `n = ${n}: max |QᵀAQ − T| = ${worst}`);
  }
});
