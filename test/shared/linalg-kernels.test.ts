import test from 'ava';
import { matmul, matmulScalar } from '../../shared/linalg/gemm.js';
import { secularRoot } from '../../shared/linalg/secular.js';
import { simd } from '../../shared/linalg/simd-kernel.js';
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
