import type { z } from 'zod';
import { BasisLoss } from '../nets/basis-loss.js';
import { linearizeLoss } from '../nets/hessian-vector.js';
import { initParams } from '../nets/init.js';
import { inputJets, type JetShape, jetShape } from '../nets/jets.js';
import { lossGradient } from '../nets/loss-gradient.js';
import { lossHessian } from '../nets/loss-hessian.js';
import type { Mlp } from '../nets/mlp.js';
import { biasInitOf, buildNet, type NetParams, netLayout } from '../nets/spec.js';
import type { Stream } from '../rng/stream.js';
import type { ProblemKind, ProblemSize } from './kind.js';
import type { BasisSample, Diagnostics, Objective } from './objective.js';

/**
 * What a network problem supplies (regression or PINN): the points, the operator weights α that
 * turn an activation jet into a basis image ψ_k, the target f, and the boundary factor d(x) with
 * which the basis functions φ_k = d·h_k are drawn (1 for regression).
 */
export interface NetworkProblemDef {
  readonly kind: string;
  /** Spatial dimension d. */
  readonly d: number;
  /** Whether the loss needs second spatial derivatives (PINNs). */
  readonly secondDerivatives: boolean;
  /** Collocation / integration points, N × d row-major. */
  readonly points: Float64Array;
  /** α, N × C. */
  alpha(shape: JetShape): Float64Array;
  /** f at the points, N. */
  readonly target: Float64Array;
  /** d(x) at one point (boundary factor of every basis function). */
  boundary(x: Float64Array): number;
  /** Points of the plot grid (M × d) for sampled basis functions, and the exact solution there. */
  plotGrid(): Float64Array;
  exact(x: Float64Array): number;
}

/** A network objective: an MLP (nets/) on a problem's points, with the paper's diagnostics. */
export class NetworkObjective implements Objective {
  readonly kind: string;
  readonly dim: number;
  readonly net: Mlp;
  readonly loss: BasisLoss;
  readonly fourier: Float64Array | null;
  private readonly fNorm: number;

  constructor(
    readonly def: NetworkProblemDef,
    readonly params: NetParams,
    rng: Stream,
  ) {
    const shape = jetShape(def.d, def.secondDerivatives);
    const { net, fourier } = buildNet(params, shape, rng);
    this.net = net;
    this.fourier = fourier;
    this.kind = def.kind;
    this.dim = net.layout.dim;
    this.loss = new BasisLoss(net, inputJets(def.points, shape, fourier), def.alpha(shape), def.target);
    let s = 0;
    for (const v of def.target) s += v * v;
    this.fNorm = Math.sqrt(s);
  }

  value(x: Float64Array): number {
    return this.loss.value(x);
  }

  evaluate(x: Float64Array) {
    const p = lossGradient(this.loss, x);
    return { value: p.value, gradient: p.gradient };
  }

  evaluate2(x: Float64Array) {
    const p = lossGradient(this.loss, x);
    return { value: p.value, gradient: p.gradient, hessian: lossHessian(this.loss, x, p) };
  }

  linearize(x: Float64Array) {
    const lin = linearizeLoss(this.loss, x);
    return { value: lin.value, gradient: lin.gradient, hessian: lin };
  }

  initial(rng: Stream): Float64Array {
    return initParams(this.net.layout, this.params.init, this.params.omega, rng, biasInitOf(this.params));
  }

  /**
   * - outputNormRatio ‖ψc‖ / ‖f‖: the regressed quantity against its target on the grid (u for
   *   regression, 𝓛u for a PINN, whose target is the forcing); 0 at the trivial solution c = 0.
   * - orthogonality: mean over k of |⟨ψ̂_k, f̂⟩|, the normalized basis images against the
   *   normalized target (the paper's §3 and §4 metric; the grid's quadrature weight cancels).
   *   A basis image that is identically zero counts as orthogonal.
   */
  diagnostics(x: Float64Array): Diagnostics {
    const p = lossGradient(this.loss, x);
    const { N } = this.loss;
    const { offC, widths } = this.net.layout;
    const w = widths[widths.length - 1];
    let out = 0;
    for (let i = 0; i < N; i++) {
      const v = p.r[i] + this.def.target[i];
      out += v * v;
    }
    let orth = 0;
    for (let k = 0; k < w; k++) {
      let dot = 0;
      let nn = 0;
      for (let i = 0; i < N; i++) {
        const v = p.psi[i * w + k];
        dot += v * this.def.target[i];
        nn += v * v;
      }
      // Guard: a zero basis image (or a zero target) has no direction; it is orthogonal to f.
      if (nn > 0 && this.fNorm > 0) orth += Math.abs(dot) / (Math.sqrt(nn) * this.fNorm);
    }
    let gi = 0;
    let go = 0;
    for (let q = 0; q < offC; q++) gi += p.gradient[q] * p.gradient[q];
    for (let q = offC; q < this.dim; q++) go += p.gradient[q] * p.gradient[q];
    return {
      outputNormRatio: this.fNorm > 0 ? Math.sqrt(out) / this.fNorm : Number.NaN,
      orthogonality: orth / w,
      gradNormInner: Math.sqrt(gi),
      gradNormOuter: Math.sqrt(go),
    };
  }

  /** Basis functions φ_k = d·h_k, the solution u = Σ c_k φ_k and the exact solution on the plot grid. */
  sampleBasis(x: Float64Array): BasisSample {
    const grid = this.def.plotGrid();
    const { d } = this.def;
    const M = grid.length / d;
    const shape = jetShape(d, false);
    // Values only: the forward pass must run with the value-only jet shape of the plot grid's
    // input jets, not with the net's (a PINN's carries 1 + 2d channels per unit).
    const fw = new BasisLoss(
      { ...this.net, shape },
      inputJets(grid, shape, this.fourier),
      new Float64Array(M).fill(1),
      new Float64Array(M),
    ).forward(x);
    const { offC, widths } = this.net.layout;
    const w = widths[widths.length - 1];
    const h = fw.a[widths.length - 1];
    const basis = new Float64Array(M * w);
    const u = new Float64Array(M);
    const exact = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      const pt = grid.subarray(i * d, i * d + d);
      const b = this.def.boundary(pt);
      for (let k = 0; k < w; k++) {
        const v = b * h[i * w + k];
        basis[i * w + k] = v;
        u[i] += x[offC + k] * v;
      }
      exact[i] = this.def.exact(pt);
    }
    return { d, grid, basis, width: w, u, exact };
  }
}

/**
 * α (N × C) from each point's coefficients on the first channels (value, first, then second
 * derivatives; channels past them get 0): the operator a PINN applies to d·h, point by point.
 */
export function alphaRows(N: number, coefficients: (i: number) => readonly number[]) {
  return (shape: JetShape): Float64Array => {
    const C = shape.channels;
    const a = new Float64Array(N * C);
    for (let i = 0; i < N; i++) a.set(coefficients(i), i * C);
    return a;
  };
}

/** The network fields of a problem spec, apart from the problem's own. */
export function netParams(p: NetParams): NetParams {
  const { width, depth, activation, omega, init, fourierFeatures, fourierSigma, biasInit, biasScale } = p;
  return { width, depth, activation, omega, init, fourierFeatures, fourierSigma, biasInit, biasScale };
}

/**
 * The size of a network problem on N points in d dimensions, from its spec alone (the layout is a
 * few offsets; nothing of size n or N is allocated).
 */
export function networkSize(
  p: NetParams,
  d: number,
  secondDerivatives: boolean,
  N: number,
  pointsField: string,
): ProblemSize {
  const { inputs, widths, dim } = netLayout(p, d);
  const C = jetShape(d, secondDerivatives).channels;
  return { n: dim, net: { N, C, inputs, widths, pointsField } };
}

/**
 * A network problem kind: its schema, spatial dimension d and whether its loss needs second
 * derivatives; for a parsed spec, N and the field that sets it (`points`: the size, from the spec
 * alone) and the rest of its objective's definition (`define`: points, α, target, …).
 */
export function networkKind<S extends z.ZodType<NetParams>>(k: {
  readonly kind: string;
  readonly schema: S;
  readonly d: number;
  readonly secondDerivatives: boolean;
  readonly points: (p: z.output<S>) => readonly [N: number, field: string];
  readonly define: (p: z.output<S>) => Omit<NetworkProblemDef, 'kind' | 'd' | 'secondDerivatives'>;
}): ProblemKind {
  const { kind, d, secondDerivatives } = k;
  return {
    kind,
    schema: k.schema as unknown as z.ZodObject,
    size: (raw) => {
      const p = raw as z.output<S>;
      return networkSize(netParams(p), d, secondDerivatives, ...k.points(p));
    },
    create(raw, rng) {
      const p = raw as z.output<S>;
      return new NetworkObjective({ kind, d, secondDerivatives, ...k.define(p) }, netParams(p), rng);
    },
  };
}

/** n points uniformly spaced on [a, b], both ends included. */
export function linspace(a: number, b: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (n === 1 ? (a + b) / 2 : a + ((b - a) * i) / (n - 1)));
}
