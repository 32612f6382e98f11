/**
 * The activation applied to one unit's jet (jets.ts): with s_m = σ⁽ᵐ⁾(z₀),
 *   a₀ = s₀,   a_k = s₁ z_k,   a_kk = s₂ z_k² + s₁ z_kk.
 * Its Jacobian D = ∂a/∂z and its adjoint-weighted Hessian M = Σ_ch ā_ch ∇²_z a_ch are what the
 * gradient and the exact Hessian of a network loss are assembled from (C × C, row-major).
 * `s` holds s₀ … s₄ at s[so … so+4].
 */
export function applyJet(
  d: number,
  C: number,
  z: Float64Array,
  zo: number,
  s: Float64Array,
  so: number,
  a: Float64Array,
  ao: number,
): void {
  a[ao] = s[so];
  if (C === 1) return;
  const s1 = s[so + 1];
  const s2 = s[so + 2];
  for (let k = 1; k <= d; k++) {
    const zk = z[zo + k];
    a[ao + k] = s1 * zk;
    a[ao + d + k] = s2 * zk * zk + s1 * z[zo + d + k];
  }
}

/** D = ∂a/∂z (C × C) into out. */
export function jetJacobian(
  d: number,
  C: number,
  z: Float64Array,
  zo: number,
  s: Float64Array,
  so: number,
  D: Float64Array,
): void {
  D.fill(0, 0, C * C);
  const s1 = s[so + 1];
  D[0] = s1;
  if (C === 1) return;
  const s2 = s[so + 2];
  const s3 = s[so + 3];
  for (let k = 1; k <= d; k++) {
    const kk = d + k;
    const zk = z[zo + k];
    D[k * C] = s2 * zk;
    D[k * C + k] = s1;
    D[kk * C] = s3 * zk * zk + s2 * z[zo + kk];
    D[kk * C + k] = 2 * s2 * zk;
    D[kk * C + kk] = s1;
  }
}

/** z̄ = Dᵀ ā: the adjoint of a unit's pre-activation jet from that of its activation jet. */
export function jetBackward(
  d: number,
  C: number,
  z: Float64Array,
  zo: number,
  s: Float64Array,
  so: number,
  abar: Float64Array,
  ao: number,
  zbar: Float64Array,
  zbo: number,
): void {
  const s1 = s[so + 1];
  let z0 = abar[ao] * s1;
  if (C > 1) {
    const s2 = s[so + 2];
    const s3 = s[so + 3];
    for (let k = 1; k <= d; k++) {
      const kk = d + k;
      const zk = z[zo + k];
      const ak = abar[ao + k];
      const akk = abar[ao + kk];
      z0 += ak * s2 * zk + akk * (s3 * zk * zk + s2 * z[zo + kk]);
      zbar[zbo + k] = ak * s1 + akk * 2 * s2 * zk;
      zbar[zbo + kk] = akk * s1;
    }
  }
  zbar[zbo] = z0;
}

/** M = Σ_ch ā_ch ∇²_z a_ch (C × C, symmetric) into out. */
export function jetCurvature(
  d: number,
  C: number,
  z: Float64Array,
  zo: number,
  s: Float64Array,
  so: number,
  abar: Float64Array,
  ao: number,
  M: Float64Array,
): void {
  M.fill(0, 0, C * C);
  let m00 = abar[ao] * s[so + 2];
  if (C > 1) {
    const s2 = s[so + 2];
    const s3 = s[so + 3];
    const s4 = s[so + 4];
    for (let k = 1; k <= d; k++) {
      const kk = d + k;
      const zk = z[zo + k];
      const ak = abar[ao + k];
      const akk = abar[ao + kk];
      m00 += ak * s3 * zk + akk * (s4 * zk * zk + s3 * z[zo + kk]);
      const m0k = ak * s2 + akk * 2 * s3 * zk;
      M[k] = m0k;
      M[k * C] = m0k;
      M[kk] = akk * s2;
      M[kk * C] = akk * s2;
      M[k * C + k] = akk * 2 * s2;
    }
  }
  M[0] = m00;
}
