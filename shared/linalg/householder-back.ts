/**
 * Back-transformation Z ← Q Z with Q = H₀ H₁ ⋯ H_{n−2} from the tridiagonal reduction, applied in
 * blocks of NB reflectors in compact WY form (LAPACK dlarft 'F','C' + dlarfb): H_j ⋯ H_{j+nb−1} =
 * I − V T Vᵀ, so Z −= V (T (Vᵀ Z)). Both products run through 4 × 4 register-blocked kernels over
 * contiguous rows, ≈ n³ multiply-adds for a square Z.
 */

/** Reflectors per block: T stays tiny while the two products each reuse a loaded Z entry NB times. */
const NB = 32;

/**
 * reflectors: n × n row-major, row i = vᵢ (zero at indices <= i, vᵢ[i + 1] = 1); tau: τᵢ.
 * z: n × cols row-major, overwritten with Q z.
 */
export function applyQ(
  reflectors: Float64Array,
  tau: Float64Array,
  n: number,
  z: Float64Array,
  cols: number,
): void {
  const count = n - 1;
  if (count <= 0) return;
  const w = new Float64Array(NB * cols);
  const tw = new Float64Array(NB * cols);
  const t = new Float64Array(NB * NB);
  const last = Math.floor((count - 1) / NB) * NB;
  for (let j = last; j >= 0; j -= NB) {
    const nb = Math.min(NB, count - j);
    // Rows of Z that the block touches: vᵢ is zero above i + 1 >= j + 1.
    const r0 = j + 1;
    formT(reflectors, tau, n, j, nb, t);
    // W = Vᵀ Z (nb × cols).
    mulVtZ(reflectors, n, j, nb, r0, z, cols, w);
    // TW = T W (T upper triangular, nb × nb).
    for (let b = 0; b < nb; b++) {
      const out = b * cols;
      for (let c = 0; c < cols; c++) tw[out + c] = 0;
      for (let q = b; q < nb; q++) {
        const tbq = t[b * NB + q];
        if (tbq === 0) continue;
        const src = q * cols;
        for (let c = 0; c < cols; c++) tw[out + c] += tbq * w[src + c];
      }
    }
    // Z −= V TW.
    subVTW(reflectors, n, j, nb, r0, z, cols, tw);
  }
}

/** dlarft forward/columnwise: T[0:b, b] = −τ_b T[0:b, 0:b] (V[:, 0:b]ᵀ v_b), T[b, b] = τ_b. */
function formT(
  refl: Float64Array,
  tau: Float64Array,
  n: number,
  j: number,
  nb: number,
  t: Float64Array,
): void {
  t.fill(0);
  for (let b = 0; b < nb; b++) {
    const tb = tau[j + b];
    t[b * NB + b] = tb;
    if (tb === 0) continue;
    const vb = (j + b) * n;
    // u_q = v_qᵀ v_b for q < b; v_b vanishes above j + b + 1.
    for (let q = 0; q < b; q++) {
      const vq = (j + q) * n;
      let s = 0;
      for (let r = j + b + 1; r < n; r++) s += refl[vq + r] * refl[vb + r];
      t[q * NB + b] = s;
    }
    // T[0:b, b] = −τ_b T[0:b, 0:b] u (T upper triangular, in place top-down).
    for (let q = 0; q < b; q++) {
      let s = 0;
      for (let p = q; p < b; p++) s += t[q * NB + p] * t[p * NB + b];
      t[q * NB + b] = -tb * s;
    }
  }
}

/** w[b, c] = Σ_{r >= r0} refl[(j+b) n + r] · z[r cols + c]. Column strips outer: a strip of Z stays in L1. */
function mulVtZ(
  refl: Float64Array,
  n: number,
  j: number,
  nb: number,
  r0: number,
  z: Float64Array,
  cols: number,
  w: Float64Array,
): void {
  let c = 0;
  for (; c + 3 < cols; c += 4) {
    let b = 0;
    for (; b + 3 < nb; b += 4) {
      const v0 = (j + b) * n;
      const v1 = v0 + n;
      const v2 = v1 + n;
      const v3 = v2 + n;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      let s30 = 0;
      let s31 = 0;
      let s32 = 0;
      let s33 = 0;
      for (let r = r0 + b; r < n; r++) {
        const zr = r * cols + c;
        const z0 = z[zr];
        const z1 = z[zr + 1];
        const z2 = z[zr + 2];
        const z3 = z[zr + 3];
        const a0 = refl[v0 + r];
        const a1 = refl[v1 + r];
        const a2 = refl[v2 + r];
        const a3 = refl[v3 + r];
        s00 += a0 * z0;
        s01 += a0 * z1;
        s02 += a0 * z2;
        s03 += a0 * z3;
        s10 += a1 * z0;
        s11 += a1 * z1;
        s12 += a1 * z2;
        s13 += a1 * z3;
        s20 += a2 * z0;
        s21 += a2 * z1;
        s22 += a2 * z2;
        s23 += a2 * z3;
        s30 += a3 * z0;
        s31 += a3 * z1;
        s32 += a3 * z2;
        s33 += a3 * z3;
      }
      const o = b * cols + c;
      w[o] = s00;
      w[o + 1] = s01;
      w[o + 2] = s02;
      w[o + 3] = s03;
      w[o + cols] = s10;
      w[o + cols + 1] = s11;
      w[o + cols + 2] = s12;
      w[o + cols + 3] = s13;
      w[o + 2 * cols] = s20;
      w[o + 2 * cols + 1] = s21;
      w[o + 2 * cols + 2] = s22;
      w[o + 2 * cols + 3] = s23;
      w[o + 3 * cols] = s30;
      w[o + 3 * cols + 1] = s31;
      w[o + 3 * cols + 2] = s32;
      w[o + 3 * cols + 3] = s33;
    }
    for (; b < nb; b++) {
      const v0 = (j + b) * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = r0 + b; r < n; r++) {
        const zr = r * cols + c;
        const a = refl[v0 + r];
        s0 += a * z[zr];
        s1 += a * z[zr + 1];
        s2 += a * z[zr + 2];
        s3 += a * z[zr + 3];
      }
      const o = b * cols + c;
      w[o] = s0;
      w[o + 1] = s1;
      w[o + 2] = s2;
      w[o + 3] = s3;
    }
  }
  for (; c < cols; c++)
    for (let b = 0; b < nb; b++) {
      const v0 = (j + b) * n;
      let s = 0;
      for (let r = r0 + b; r < n; r++) s += refl[v0 + r] * z[r * cols + c];
      w[b * cols + c] = s;
    }
}

/** z[r, c] −= Σ_b refl[(j+b) n + r] · tw[b cols + c] for r >= r0. Row quads outer: Z is streamed once. */
function subVTW(
  refl: Float64Array,
  n: number,
  j: number,
  nb: number,
  r0: number,
  z: Float64Array,
  cols: number,
  tw: Float64Array,
): void {
  let r = r0;
  for (; r + 3 < n; r += 4) {
    // v_b vanishes at rows <= j + b, so only b < r + 3 − j contribute to these four rows.
    const bEnd = Math.min(nb, r + 3 - j);
    let c = 0;
    for (; c + 3 < cols; c += 4) {
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      let s30 = 0;
      let s31 = 0;
      let s32 = 0;
      let s33 = 0;
      for (let b = 0; b < bEnd; b++) {
        const vb = (j + b) * n + r;
        const a0 = refl[vb];
        const a1 = refl[vb + 1];
        const a2 = refl[vb + 2];
        const a3 = refl[vb + 3];
        const tb = b * cols + c;
        const t0 = tw[tb];
        const t1 = tw[tb + 1];
        const t2 = tw[tb + 2];
        const t3 = tw[tb + 3];
        s00 += a0 * t0;
        s01 += a0 * t1;
        s02 += a0 * t2;
        s03 += a0 * t3;
        s10 += a1 * t0;
        s11 += a1 * t1;
        s12 += a1 * t2;
        s13 += a1 * t3;
        s20 += a2 * t0;
        s21 += a2 * t1;
        s22 += a2 * t2;
        s23 += a2 * t3;
        s30 += a3 * t0;
        s31 += a3 * t1;
        s32 += a3 * t2;
        s33 += a3 * t3;
      }
      const o = r * cols + c;
      z[o] -= s00;
      z[o + 1] -= s01;
      z[o + 2] -= s02;
      z[o + 3] -= s03;
      z[o + cols] -= s10;
      z[o + cols + 1] -= s11;
      z[o + cols + 2] -= s12;
      z[o + cols + 3] -= s13;
      z[o + 2 * cols] -= s20;
      z[o + 2 * cols + 1] -= s21;
      z[o + 2 * cols + 2] -= s22;
      z[o + 2 * cols + 3] -= s23;
      z[o + 3 * cols] -= s30;
      z[o + 3 * cols + 1] -= s31;
      z[o + 3 * cols + 2] -= s32;
      z[o + 3 * cols + 3] -= s33;
    }
    for (; c < cols; c++)
      for (let q = 0; q < 4; q++) {
        let s = 0;
        for (let b = 0; b < bEnd; b++) s += refl[(j + b) * n + r + q] * tw[b * cols + c];
        z[(r + q) * cols + c] -= s;
      }
  }
  for (; r < n; r++) {
    const bEnd = Math.min(nb, r - j);
    const o = r * cols;
    for (let b = 0; b < bEnd; b++) {
      const a = refl[(j + b) * n + r];
      if (a === 0) continue;
      const tb = b * cols;
      for (let c = 0; c < cols; c++) z[o + c] -= a * tw[tb + c];
    }
  }
}
