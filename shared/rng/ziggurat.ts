/**
 * The ziggurat's tables for standard normals (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000), for
 * TrialStream's methods and the hand-inlined fill kernels. Each hot module keeps its own copy as a
 * module-local const (`const { X, F } = zigguratTables()`, and its own TWO_M52): V8 folds those
 * into the optimized kernels, whereas an imported binding is reloaded from its module cell, with a
 * hole check and a map check, at every use in the loop (valgrind instruction counts of a
 * tridiagonal trial show the difference).
 */

// Ziggurat tables. Layer 0 is the base strip (the rectangle [0, R] × [0, f(R)] and the tail beyond R),
// layers k = 1…255 the rectangles [0, X[k]] × [f(X[k]), f(X[k+1])]; all have area V. X[0] = V/f(R) is
// the base strip's equivalent width, X[1] = R, X[256] = 0. R solves the closure f(X[255]) + V/X[255] = 1
// (to 3·10⁻¹⁵, by bisection in double precision); V = R f(R) + ∫_R^∞ f, with f(x) = exp(−x²/2).
const LAYERS = 256;
export const R = 3.654152885361009;
const V = 0.004928673233974658;

/** The layers' right edges X[0…256] and the density at them, F[k] = f(X[k]) (fresh arrays). */
export function zigguratTables(): { X: Float64Array; F: Float64Array } {
  const X = new Float64Array(LAYERS + 1);
  const F = new Float64Array(LAYERS + 1);
  const f = (x: number) => Math.exp(-0.5 * x * x);
  X[0] = V / f(R);
  X[1] = R;
  for (let k = 1; k < LAYERS - 1; k++) X[k + 1] = Math.sqrt(-2 * Math.log(f(X[k]) + V / X[k]));
  X[LAYERS] = 0;
  for (let k = 0; k <= LAYERS; k++) F[k] = f(X[k]);
  return { X, F };
}
