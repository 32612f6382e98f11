import { z } from 'zod';
import type { Stream } from '../rng/stream.js';
import { angleDistance, angleName, wrapAngle } from './angles.js';
import type { ProblemKind } from './kind.js';
import { NO_DIAGNOSTICS, type Objective } from './objective.js';

const schema = z.strictObject({
  kind: z.literal('torus'),
  /** Radius of the torus's axis. */
  R: z.number().positive().default(2),
  /** Radius of the tube; r < R keeps the surface a ring torus. */
  r: z.number().positive().default(1),
  /** Eccentricity: ratio of the major to the minor axis of the ellipsoidal axis. */
  e: z.number().positive().default(1.5),
  /**
   * Start on a regular G × G grid of angles instead of at random: seed s starts at the centre of
   * cell (s mod G, ⌊s / G⌋) of [−π, π]², so seeds 0 … G² − 1 tile it (a basin-of-attraction image).
   */
  initGrid: z.number().int().min(1).max(100_000).optional(),
});

export type StationaryKind = 'minimum' | 'maximum' | 'saddle';

export interface StationaryPoint {
  readonly theta: readonly [number, number];
  readonly kind: StationaryKind;
  readonly name: string;
}

/**
 * Regression of the origin onto the ellipsoidal torus (paper §2, Eq. 3, Figs. 2–4, 12):
 * x(θ₁, θ₂) = (ρ cos θ₁, e ρ sin θ₁, r sin θ₂), ρ = R + r cos θ₂, L = ½‖x‖².
 * With A(θ₁) = cos²θ₁ + e² sin²θ₁:  L = ½(ρ² A + r² sin²θ₂),
 *   ∂₁L = ½ ρ² A′,                 A′ = (e² − 1) sin 2θ₁
 *   ∂₂L = r sin θ₂ (r cos θ₂ − ρ A)
 *   ∂₁₁L = ½ ρ² A″,                A″ = 2 (e² − 1) cos 2θ₁
 *   ∂₁₂L = −r ρ sin θ₂ A′
 *   ∂₂₂L = r cos θ₂ (r cos θ₂ − ρ A) − r² sin²θ₂ (1 − A).
 */
export class Torus implements Objective {
  readonly kind = 'torus';
  readonly dim = 2;

  constructor(
    readonly R: number,
    readonly r: number,
    readonly e: number,
    private readonly initGrid?: number,
  ) {}

  value(x: Float64Array): number {
    const { R, r, e } = this;
    const rho = R + r * Math.cos(x[1]);
    const s1 = Math.sin(x[0]);
    const c1 = Math.cos(x[0]);
    const s2 = Math.sin(x[1]);
    return 0.5 * (rho * rho * (c1 * c1 + e * e * s1 * s1) + r * r * s2 * s2);
  }

  evaluate(x: Float64Array) {
    return this.evaluateWith(x, false);
  }

  evaluate2(x: Float64Array) {
    return this.evaluateWith(x, true) as { value: number; gradient: Float64Array; hessian: Float64Array };
  }

  /** Value, gradient and (when asked) Hessian, from torusTerms; one object a call, not three. */
  private evaluateWith(x: Float64Array, second: boolean) {
    const t = torusTerms(this.R, this.r, this.e, x[0], x[1], second, TERMS);
    const gradient = Float64Array.of(t[1], t[2]);
    if (!second) return { value: t[0], gradient };
    return { value: t[0], gradient, hessian: Float64Array.of(t[3], t[4], t[4], t[5]) };
  }

  /** The paper's initialization: each angle uniform in [−π, π]. */
  initial(rng: Stream, seed = 0): Float64Array {
    const g = this.initGrid;
    if (g) {
      const cell = (k: number) => -Math.PI + ((k + 0.5) * 2 * Math.PI) / g;
      return Float64Array.of(cell(seed % g), cell(Math.floor(seed / g) % g));
    }
    return Float64Array.of(rng.uniformIn(-Math.PI, Math.PI), rng.uniformIn(-Math.PI, Math.PI));
  }

  diagnostics() {
    return NO_DIAGNOSTICS;
  }

  canonical(x: Float64Array): Float64Array {
    return Float64Array.of(wrapAngle(x[0]), wrapAngle(x[1]));
  }

  /**
   * The closed-form census for e > 1 and r < R: ∂₁L = 0 ⇔ sin 2θ₁ = 0; ∂₂L = 0 ⇔ sin θ₂ = 0, since
   * the other branch cos θ₂ = R A / (r (1 − A)) needs A < 1, impossible when e ≥ 1 (A ≥ 1).
   * Signs of the diagonal Hessian there: ∂₁₁L = ρ²(e² − 1) cos 2θ₁; ∂₂₂L = r cos θ₂ (r cos θ₂ − ρA).
   */
  stationaryPoints(): StationaryPoint[] {
    // Every run of a study asks again (identify): the census depends on (R, r, e) only.
    const key = `${this.R},${this.r},${this.e}`;
    const known = CENSUS.get(key);
    if (known) return known;
    const points: StationaryPoint[] = [];
    for (const t1 of [0, Math.PI / 2, Math.PI, -Math.PI / 2]) {
      for (const t2 of [0, Math.PI]) {
        const h = this.evaluate2(Float64Array.of(t1, t2)).hessian;
        const kind: StationaryKind =
          h[0] > 0 && h[3] > 0 ? 'minimum' : h[0] < 0 && h[3] < 0 ? 'maximum' : 'saddle';
        points.push({ theta: [t1, t2], kind, name: `${kind}(${angleName(t1)},${angleName(t2)})` });
      }
    }
    if (CENSUS.size > 1000) CENSUS.clear();
    CENSUS.set(key, points);
    return points;
  }

  identify(x: Float64Array, tol = 1e-6): string | null {
    return this.identifier(tol)(x[0], x[1]);
  }

  /**
   * identify as a function of the two angles, its census looked up once: a fused block names a
   * thousand points (shared/fused/torus-newton.ts), and the census's key text had been a tenth
   * of naming one.
   */
  identifier(tol = 1e-6): (t1: number, t2: number) => string | null {
    // The census above holds for e > 1 and r < R only; elsewhere we do not name points.
    if (!(this.e > 1 && this.r < this.R)) return () => null;
    const census = this.stationaryPoints();
    return (t1, t2) => {
      for (const p of census)
        if (angleDistance(t1, p.theta[0]) < tol && angleDistance(t2, p.theta[1]) < tol) return p.name;
      return null;
    };
  }
}

const CENSUS = new Map<string, StationaryPoint[]>();
const TERMS = new Float64Array(6);

/**
 * L, ∂₁L, ∂₂L and (when `second`) ∂₁₁L, ∂₁₂L, ∂₂₂L at (θ₁, θ₂) into out[0 … 5], from one set of
 * sines and cosines, each expression as in value() and the class header's formulas, so the bits
 * are those of computing them apart. The one definition of the torus's derivatives: evaluate,
 * evaluate2 and the fused Newton runs (a run on the torus is a few microseconds of arithmetic).
 */
export function torusTerms(
  R: number,
  r: number,
  e: number,
  t1: number,
  t2: number,
  second: boolean,
  out: Float64Array,
): Float64Array {
  const s1 = Math.sin(t1);
  const c1 = Math.cos(t1);
  const s2 = Math.sin(t2);
  const c2 = Math.cos(t2);
  const rho = R + r * c2;
  const A = c1 * c1 + e * e * s1 * s1;
  const dA = (e * e - 1) * 2 * s1 * c1;
  out[0] = 0.5 * (rho * rho * A + r * r * s2 * s2);
  out[1] = 0.5 * rho * rho * dA;
  out[2] = r * s2 * (r * c2 - rho * A);
  if (!second) return out;
  const ddA = 2 * (e * e - 1) * (c1 * c1 - s1 * s1);
  out[3] = 0.5 * rho * rho * ddA;
  out[4] = -r * rho * s2 * dA;
  out[5] = r * c2 * (r * c2 - rho * A) - r * r * s2 * s2 * (1 - A);
  return out;
}

export const torus: ProblemKind<typeof schema> = {
  kind: 'torus',
  schema,
  size: () => ({ n: 2 }),
  create: (p) => new Torus(p.R, p.r, p.e, p.initGrid),
};
