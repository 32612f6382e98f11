/**
 * Where each parameter of an MLP lives in the flat parameter vector θ:
 * θ = [W₁ (w₁ × d₀, row-major), b₁, W₂, b₂, …, W_L, b_L, c (w_L)].
 * Everything before c is *inner* (it builds the basis functions φ_k = a_{L,k}); c is *outer*
 * (the coefficients of u = Σ_k c_k φ_k: the paper's Eq. 7, no output bias).
 * `prefix[l]` is the number of parameters of layers 1 … l (prefix[0] = 0): the columns that the
 * Jacobian of layer l's activations can depend on.
 */
export interface ParamLayout {
  /** Input features d₀ (the spatial dimension, or 2m with m Fourier features). */
  readonly inputs: number;
  /** Hidden widths w₁ … w_L. */
  readonly widths: readonly number[];
  readonly offW: readonly number[];
  readonly offB: readonly number[];
  readonly offC: number;
  readonly prefix: readonly number[];
  readonly dim: number;
}

export function paramLayout(inputs: number, widths: readonly number[]): ParamLayout {
  const offW: number[] = [];
  const offB: number[] = [];
  const prefix = [0];
  let off = 0;
  let fanIn = inputs;
  for (const w of widths) {
    offW.push(off);
    off += w * fanIn;
    offB.push(off);
    off += w;
    prefix.push(off);
    fanIn = w;
  }
  return { inputs, widths, offW, offB, offC: off, prefix, dim: off + fanIn };
}

/** Fan-in of layer l (0-based): the input features for the first layer, else the previous width. */
export function fanIn(layout: ParamLayout, l: number): number {
  return l === 0 ? layout.inputs : layout.widths[l - 1];
}
