import { z } from 'zod';
import { Circle } from './circle.js';
import type { ProblemKind } from './kind.js';
import { type ImplicitSurface, KktObjective } from './kkt.js';
import { Torus } from './torus.js';

/** The unit circle as g(x) = x₁² + x₂² − 1 = 0. */
export function circleSurface(target: readonly [number, number]): ImplicitSurface {
  const param = new Circle(target);
  return {
    d: 2,
    g: (x) => x[0] * x[0] + x[1] * x[1] - 1,
    gradG: (x) => Float64Array.of(2 * x[0], 2 * x[1]),
    hessG: () => Float64Array.of(2, 0, 0, 2),
    pointFrom(rng) {
      const t = param.initial(rng)[0];
      return Float64Array.of(Math.cos(t), Math.sin(t));
    },
    identify: (x) => param.identify(Float64Array.of(Math.atan2(x[1], x[0]))),
  };
}

/**
 * The ellipsoidal torus as g(x) = (q − R)² + x₃² − r² = 0 with q = √(x₁² + x₂²/e²): from
 * x = (ρ cos θ₁, e ρ sin θ₁, r sin θ₂), q = ρ = R + r cos θ₂. Smooth where q > 0 (off the axis).
 */
export function torusSurface(R: number, r: number, e: number): ImplicitSurface {
  const param = new Torus(R, r, e);
  const e2 = e * e;
  return {
    d: 3,
    g(x) {
      const q = Math.sqrt(x[0] * x[0] + (x[1] * x[1]) / e2);
      return (q - R) ** 2 + x[2] * x[2] - r * r;
    },
    gradG(x) {
      const q = Math.sqrt(x[0] * x[0] + (x[1] * x[1]) / e2);
      return Float64Array.of((2 * (q - R) * x[0]) / q, (2 * (q - R) * x[1]) / (e2 * q), 2 * x[2]);
    },
    hessG(x) {
      const q = Math.sqrt(x[0] * x[0] + (x[1] * x[1]) / e2);
      const q1 = x[0] / q;
      const q2 = x[1] / (e2 * q);
      const q11 = 1 / q - (x[0] * x[0]) / q ** 3;
      const q22 = 1 / (e2 * q) - (x[1] * x[1]) / (e2 * e2 * q ** 3);
      const q12 = -(x[0] * x[1]) / (e2 * q ** 3);
      const h11 = 2 * (q1 * q1 + (q - R) * q11);
      const h22 = 2 * (q2 * q2 + (q - R) * q22);
      const h12 = 2 * (q1 * q2 + (q - R) * q12);
      return Float64Array.of(h11, h12, 0, h12, h22, 0, 0, 0, 2);
    },
    pointFrom(rng) {
      const [t1, t2] = param.initial(rng);
      const rho = R + r * Math.cos(t2);
      return Float64Array.of(rho * Math.cos(t1), e * rho * Math.sin(t1), r * Math.sin(t2));
    },
    identify(x) {
      const q = Math.sqrt(x[0] * x[0] + (x[1] * x[1]) / e2);
      return param.identify(Float64Array.of(Math.atan2(x[1] / e, x[0]), Math.atan2(x[2], q - R)));
    },
  };
}

const circleKkt = z.strictObject({
  kind: z.literal('circle-kkt'),
  target: z.tuple([z.number(), z.number()]).default([2, 1]),
});
const torusKkt = z.strictObject({
  kind: z.literal('torus-kkt'),
  R: z.number().positive().default(2),
  r: z.number().positive().default(1),
  e: z.number().positive().default(1.5),
});

export const circleKktKind: ProblemKind<typeof circleKkt> = {
  kind: 'circle-kkt',
  schema: circleKkt,
  // (x, μ): the point on the curve and its multiplier.
  size: () => ({ n: 3 }),
  create: (p) => new KktObjective('circle-kkt', circleSurface(p.target), Float64Array.from(p.target)),
};

export const torusKktKind: ProblemKind<typeof torusKkt> = {
  kind: 'torus-kkt',
  schema: torusKkt,
  size: () => ({ n: 4 }),
  create: (p) => new KktObjective('torus-kkt', torusSurface(p.R, p.r, p.e), new Float64Array(3)),
};
