import { denseOperator } from '../linalg/operator.js';
import type { Objective, SecondOrderOperator } from './objective.js';

/**
 * The exact Hessian of f at x as an operator: the objective's own products where it has them
 * (network objectives), else its dense Hessian (the 2-D torus and circle, the KKT problems,
 * test objectives), which at their sizes costs nothing.
 */
export function hessianOperatorOf(f: Objective, x: Float64Array): SecondOrderOperator {
  if (f.linearize) return f.linearize(x);
  const e = f.evaluate2(x);
  return { value: e.value, gradient: e.gradient, hessian: denseOperator(e.hessian, f.dim) };
}
