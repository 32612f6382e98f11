/**
 * The compact WY factor of a block of reflectors (LAPACK dlarft 'F','C'): for
 * H_j ⋯ H_{j+nb−1} = I − V T Vᵀ with V's columns v_{j+b} packed as rows b of `vp` (`rows` long,
 * v_{j+b} zero before local index b), T is nb × nb upper triangular:
 * T[b, b] = τ_b, T[0:b, b] = −τ_b T[0:b, 0:b] (V[:, 0:b]ᵀ v_b). Written row-major into t.
 */
export function formT(
  vp: Float64Array,
  tau: Float64Array,
  rows: number,
  j: number,
  nb: number,
  t: Float64Array,
) {
  t.fill(0, 0, nb * nb);
  for (let b = 0; b < nb; b++) {
    const tb = tau[j + b];
    t[b * nb + b] = tb;
    if (tb === 0) continue;
    const vb = b * rows;
    for (let q = 0; q < b; q++) {
      const vq = q * rows;
      let s = 0;
      for (let r = b; r < rows; r++) s += vp[vq + r] * vp[vb + r];
      t[q * nb + b] = s;
    }
    // In place, top-down: row q reads only entries q… of column b, which still hold the products.
    for (let q = 0; q < b; q++) {
      let s = 0;
      for (let p = q; p < b; p++) s += t[q * nb + p] * t[p * nb + b];
      t[q * nb + b] = -tb * s;
    }
  }
}
