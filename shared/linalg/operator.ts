/**
 * A symmetric linear operator ℝⁿ → ℝⁿ known only by its action (a Hessian-vector product):
 * what the Krylov solvers (minres.ts) and eigenvalue estimators (lanczos.ts, slq.ts) take.
 * `apply` writes A v into `out` (length n, never aliasing v) and returns it.
 */
export interface SymmetricOperator {
  readonly dim: number;
  apply(v: Float64Array, out: Float64Array): Float64Array;
}

/** A dense symmetric n × n row-major matrix as an operator (small problems, and tests). */
export function denseOperator(a: Float64Array, n: number): SymmetricOperator {
  if (a.length !== n * n)
    throw new RangeError(`denseOperator: matrix has ${a.length} entries, expected ${n}×${n}`);
  return {
    dim: n,
    apply(v, out) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) s += a[row + j] * v[j];
        out[i] = s;
      }
      return out;
    },
  };
}

/** A + shift·I, for the damped Newton system (H + λI) s = g. */
export function shifted(a: SymmetricOperator, shift: number): SymmetricOperator {
  if (shift === 0) return a;
  return {
    dim: a.dim,
    apply(v, out) {
      a.apply(v, out);
      for (let i = 0; i < v.length; i++) out[i] += shift * v[i];
      return out;
    },
  };
}

/** Counts the products an operator performs (Krylov iterations a Newton step costs). */
export function counted(a: SymmetricOperator): SymmetricOperator & { readonly count: number } {
  let count = 0;
  return {
    dim: a.dim,
    get count() {
      return count;
    },
    apply(v, out) {
      count++;
      return a.apply(v, out);
    },
  };
}
