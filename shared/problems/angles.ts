/** Angle helpers: parameters of the circle and torus are angles, compared modulo 2π. */

/** Reduces θ to (−π, π]. */
export function wrapAngle(theta: number): number {
  const t = theta - 2 * Math.PI * Math.round(theta / (2 * Math.PI));
  // Math.round sends −π + tiny to −π exactly; (−π, π] keeps +π for the antipode.
  return t <= -Math.PI ? t + 2 * Math.PI : t;
}

/** Distance between two angles on the circle, in [0, π]. */
export function angleDistance(a: number, b: number): number {
  return Math.abs(wrapAngle(a - b));
}

const QUARTER_NAMES: Readonly<Record<number, string>> = {
  [-1]: '-pi/2',
  0: '0',
  1: 'pi/2',
  2: 'pi',
  [-2]: 'pi',
};

/** A readable name for a multiple of π/2 (the stationary angles of circle and torus). */
export function angleName(theta: number): string {
  const q = Math.round(wrapAngle(theta) / (Math.PI / 2));
  return QUARTER_NAMES[q] ?? theta.toFixed(6);
}
