/**
 * Activations with their derivatives up to the fourth order. PINN Hessians need σ⁗: the loss
 * holds u″, whose pre-activation jet a″ = σ″(z) z′² + σ′(z) z″ is differentiated twice more in θ.
 */
export interface Activation {
  readonly name: 'tanh' | 'sin';
  /** Writes σ(z), σ′(z), σ″(z), σ‴(z), σ⁗(z) into out[o … o + 4]. */
  derivatives(z: number, out: Float64Array, o: number): void;
}

export const tanhActivation: Activation = {
  name: 'tanh',
  derivatives(z, out, o) {
    // With t = tanh z: σ′ = 1 − t², σ″ = −2tσ′, σ‴ = σ′(6t² − 2), σ⁗ = σ′(16t − 24t³) = 8tσ′(2 − 3t²).
    const t = Math.tanh(z);
    const s1 = 1 - t * t;
    out[o] = t;
    out[o + 1] = s1;
    out[o + 2] = -2 * t * s1;
    out[o + 3] = s1 * (6 * t * t - 2);
    out[o + 4] = 8 * t * s1 * (2 - 3 * t * t);
  },
};

/** σ(z) = sin(ωz), the SIREN activation (Sitzmann et al. 2020); ω scales every derivative. */
export function sineActivation(omega: number): Activation {
  const w2 = omega * omega;
  return {
    name: 'sin',
    derivatives(z, out, o) {
      const s = Math.sin(omega * z);
      const c = Math.cos(omega * z);
      out[o] = s;
      out[o + 1] = omega * c;
      out[o + 2] = -w2 * s;
      out[o + 3] = -w2 * omega * c;
      out[o + 4] = w2 * w2 * s;
    },
  };
}
