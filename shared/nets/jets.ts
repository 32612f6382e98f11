/**
 * Spatial jets. A PINN loss needs u and its second derivatives in x at every grid point, and their
 * exact parameter derivatives; we carry, for every unit of every layer, the channels
 *   0: value,  1 … d: ∂/∂x_k,  d+1 … 2d: ∂²/∂x_k²   (d spatial dimensions; no mixed partials:
 * the Laplacian does not need them, and the jet of a pure second derivative closes on itself).
 * Regression needs the value only (one channel).
 */
export interface JetShape {
  /** Spatial dimension d. */
  readonly d: number;
  /** Channels C: 1 (values only) or 1 + 2d (values, first and pure second derivatives). */
  readonly channels: number;
}

export function jetShape(d: number, secondDerivatives: boolean): JetShape {
  return { d, channels: secondDerivatives ? 1 + 2 * d : 1 };
}

/**
 * Jets of the input features at N points (row-major N × d coordinates), N × d₀ × C.
 * Without Fourier features the features are the coordinates themselves (∂x_k/∂x_k = 1).
 * With B (m × d): [cos(2π Bx), sin(2π Bx)] (Wang et al. 2021, the paper's Fig. 8), d₀ = 2m;
 * with φ = 2π b·x: ∂_k cos φ = −2πb_k sin φ, ∂_k² cos φ = −(2πb_k)² cos φ, and likewise for sin.
 */
export function inputJets(points: Float64Array, shape: JetShape, fourier: Float64Array | null): Float64Array {
  const { d, channels: C } = shape;
  const N = points.length / d;
  const second = C > 1;
  if (!fourier) {
    const out = new Float64Array(N * d * C);
    for (let i = 0; i < N; i++)
      for (let k = 0; k < d; k++) {
        const o = (i * d + k) * C;
        out[o] = points[i * d + k];
        if (second) out[o + 1 + k] = 1;
      }
    return out;
  }
  const m = fourier.length / d;
  const d0 = 2 * m;
  const out = new Float64Array(N * d0 * C);
  for (let i = 0; i < N; i++)
    for (let f = 0; f < m; f++) {
      let phi = 0;
      for (let k = 0; k < d; k++) phi += 2 * Math.PI * fourier[f * d + k] * points[i * d + k];
      const c = Math.cos(phi);
      const s = Math.sin(phi);
      const oc = (i * d0 + f) * C;
      const os = (i * d0 + m + f) * C;
      out[oc] = c;
      out[os] = s;
      if (!second) continue;
      for (let k = 0; k < d; k++) {
        const w = 2 * Math.PI * fourier[f * d + k];
        out[oc + 1 + k] = -w * s;
        out[os + 1 + k] = w * c;
        out[oc + 1 + d + k] = -w * w * c;
        out[os + 1 + d + k] = -w * w * s;
      }
    }
  return out;
}
