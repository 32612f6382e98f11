/** Random test matrices and their comparison, shared by the linear-algebra tests and benches. */
import type { Stream } from '../../shared/rng/stream.js';

/**
 * A symmetric n × n row-major matrix of standard normals from `s`, drawn row by row over the lower
 * triangle (a zero diagonal, drawing nothing there, with `zeroDiagonal`).
 */
export function randomSymmetric(s: Stream, n: number, zeroDiagonal = false): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const x = zeroDiagonal && i === j ? 0 : s.normal();
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  return a;
}

/** max |a − b| / max |a|. */
export function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(a[i]));
  }
  return d / s;
}
