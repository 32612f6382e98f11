/**
 * The rank-1 and rank-2 updates of the Bunch–Kaufman inertia kernel (inertia.ts) in WebAssembly
 * SIMD (f64x2), emitted as bytes with shared/wasm/bytes.ts like the eigensolver's kernels.
 * For each group of four trailing rows i … i+3 (i = from, from + 4, … while i + 4 ≤ rEnd) and every
 * column j in [i + 4, n), two columns at a time:
 *
 *   rank 1:  a[i+q, j] −= f[i+q]·u[j]
 *   rank 2:  a[i+q, j] −= f[i+q]·u[j] + g[i+q]·v[j]
 *
 * with u, v the pivot rows k, k + 1 and f, g the rows' multipliers, which the caller computes as the
 * scalar loops do. Why: these rectangles are ~95% of the multiply-adds of the factorization, and the
 * factorization ~85% of a dense index trial; scalar JavaScript ran them at ~1.7 multiply-adds/ns
 * (profile at n = 480: eliminate2 59%, eliminate1 14% of the trial). Every entry is rounded exactly
 * as the scalar loop rounds it (the same operations in the same order, no fused multiply-add), so
 * the inertia is bit-for-bit that of the scalar path (tested). The 4 × 4 triangles at the start of
 * each group and the last n mod 4 rows stay in JavaScript.
 */
import {
  codeBuffer,
  instantiateKernels,
  type KernelMemory,
  moduleWithOneFunction,
  op,
} from '../wasm/bytes.js';

function moduleBytes(rank: 1 | 2): Uint8Array {
  // Params (i32): n, from, rEnd, and byte addresses of the matrix a, rows u and v, multipliers f, g.
  const [N, FROM, REND, A, U, V, F, G] = [0, 1, 2, 3, 4, 5, 6, 7];
  // i32 locals.
  const [R, ROW0, STRIDE, OFF, END, ADDR] = [8, 9, 10, 11, 12, 13];
  // v128 locals: the four rows' multipliers (splat), the pivot rows' column pair.
  const FK = 14;
  const GK = 18;
  const [UC, VC] = [22, 23];

  const { get, set, i32, ADD, SHL, MUL, LT_U, BLOCK, LOOP, IF, BR, BR_IF, VOID } = op;
  const { fload, FADD, FSUB, FMUL, VADD, VSUB, VMUL } = op;
  const END_ = op.END;
  const fstore = op.fstore();
  const vload = op.vload(); // align 8: a row from its diagonal need not be 16-aligned
  const vstore = op.vstore();
  const splat = op.splatLoad;
  const { code, emit } = codeBuffer();
  emit(get(N), i32(3), SHL, set(STRIDE), get(N), i32(3), SHL, set(END));
  emit(get(FROM), set(R));
  emit(BLOCK, VOID, LOOP, VOID);
  // while r + 4 <= rEnd
  emit(get(REND), get(R), i32(4), ADD, LT_U, BR_IF, 1);
  emit(get(A), get(R), get(STRIDE), MUL, ADD, set(ROW0));
  for (let q = 0; q < 4; q++) {
    emit(get(F), get(R), i32(3), SHL, ADD, splat(8 * q), set(FK + q));
    if (rank === 2) emit(get(G), get(R), i32(3), SHL, ADD, splat(8 * q), set(GK + q));
  }
  emit(get(R), i32(4), ADD, i32(3), SHL, set(OFF));
  // Column pairs: while off + 16 <= end.
  emit(BLOCK, VOID, LOOP, VOID);
  emit(get(END), get(OFF), i32(16), ADD, LT_U, BR_IF, 1);
  emit(get(U), get(OFF), ADD, vload, set(UC));
  if (rank === 2) emit(get(V), get(OFF), ADD, vload, set(VC));
  emit(get(ROW0), get(OFF), ADD, set(ADDR));
  for (let q = 0; q < 4; q++) {
    if (q > 0) emit(get(ADDR), get(STRIDE), ADD, set(ADDR));
    // a − (f·u + g·v), or a − f·u, as the scalar loop rounds it.
    emit(get(ADDR), get(ADDR), vload, get(FK + q), get(UC), VMUL);
    if (rank === 2) emit(get(GK + q), get(VC), VMUL, VADD);
    emit(VSUB, vstore);
  }
  emit(get(OFF), i32(16), ADD, set(OFF), BR, 0, END_, END_);
  // The odd column left over, if any, in scalar f64.
  emit(get(OFF), get(END), LT_U, IF, VOID);
  emit(get(ROW0), get(OFF), ADD, set(ADDR));
  for (let q = 0; q < 4; q++) {
    if (q > 0) emit(get(ADDR), get(STRIDE), ADD, set(ADDR));
    emit(get(ADDR), get(ADDR), fload(0));
    emit(get(F), get(R), i32(3), SHL, ADD, fload(8 * q), get(U), get(OFF), ADD, fload(0), FMUL);
    if (rank === 2)
      emit(get(G), get(R), i32(3), SHL, ADD, fload(8 * q), get(V), get(OFF), ADD, fload(0), FMUL, FADD);
    emit(FSUB, fstore);
  }
  emit(END_);
  emit(get(R), i32(4), ADD, set(R), BR, 0, END_, END_, END_);
  const locals = [2, 6, 0x7f, 10, 0x7b];
  return moduleWithOneFunction(rank === 1 ? 'rank1' : 'rank2', 8, [...locals, ...code]);
}

/**
 * The kernel's memory holds one matrix at a time with its multiplier scratch: f at doubles [0, n),
 * g at [n, 2n), the n × n matrix at [2n, 2n + n²) (all 16-byte aligned when n is even).
 */
export class EliminationKernel {
  constructor(
    private readonly mem: KernelMemory,
    private readonly rank1Fn: (...args: number[]) => void,
    private readonly rank2Fn: (...args: number[]) => void,
  ) {}

  /**
   * An n × n matrix in the kernel's memory, for `denseInertia` to factor with this kernel. Valid
   * until the next `matrix` call (which may move or grow the memory); its contents are not kept.
   */
  matrix(n: number): Float64Array {
    this.mem.reserve(2 * n + n * n);
    return this.mem.view().subarray(2 * n, 2 * n + n * n);
  }

  /** Whether `a` is the current `matrix(n)`, i.e. this kernel can eliminate on it in place. */
  owns(a: Float64Array, n: number): boolean {
    return a.buffer === this.mem.view().buffer && a.byteOffset === 16 * n && a.length === n * n;
  }

  /** a[i, j] −= f_i·a[k, j] for k < i ≤ j, f_i = inv·a[k, i]: `eliminate1` of inertia.ts. */
  rank1(a: Float64Array, n: number, k: number, inv: number): void {
    const f = this.mem.view();
    const r0 = k * n;
    for (let i = k + 1; i < n; i++) f[i] = inv * a[r0 + i];
    let i = k + 1;
    const groups = (n - i) >> 2;
    const base = a.byteOffset;
    this.rank1Fn(n, i, i + 4 * groups, base, base + 8 * r0, 0, 0, 0);
    // The groups' 4 × 4 triangles (columns i … i+3), then the rows left over.
    for (; i + 3 < n; i += 4) {
      for (let q = 0; q < 4; q++) {
        const ri = (i + q) * n;
        const fq = f[i + q];
        for (let j = i + q; j < i + 4; j++) a[ri + j] -= fq * a[r0 + j];
      }
    }
    for (; i < n; i++) {
      const fi = f[i];
      const ri = i * n;
      for (let j = i; j < n; j++) a[ri + j] -= fi * a[r0 + j];
    }
  }

  /**
   * a[i, j] −= f_i·a[k, j] + g_i·a[k+1, j] for k + 1 < i ≤ j, (f_i, g_i) = M (a[k, i], a[k+1, i]),
   * M = [[i11, i12], [i12, i22]]: `eliminate2` of inertia.ts.
   */
  rank2(a: Float64Array, n: number, k: number, i11: number, i12: number, i22: number): void {
    const f = this.mem.view();
    const r0 = k * n;
    const r1 = r0 + n;
    for (let i = k + 2; i < n; i++) {
      const x = a[r0 + i];
      const y = a[r1 + i];
      f[i] = i11 * x + i12 * y;
      f[n + i] = i12 * x + i22 * y;
    }
    let i = k + 2;
    const groups = (n - i) >> 2;
    const base = a.byteOffset;
    this.rank2Fn(n, i, i + 4 * groups, base, base + 8 * r0, base + 8 * r1, 0, 8 * n);
    for (; i + 3 < n; i += 4) {
      for (let q = 0; q < 4; q++) {
        const ri = (i + q) * n;
        const fq = f[i + q];
        const gq = f[n + i + q];
        for (let j = i + q; j < i + 4; j++) a[ri + j] -= fq * a[r0 + j] + gq * a[r1 + j];
      }
    }
    for (; i < n; i++) {
      const fi = f[i];
      const gi = f[n + i];
      const ri = i * n;
      for (let j = i; j < n; j++) a[ri + j] -= fi * a[r0 + j] + gi * a[r1 + j];
    }
  }
}

function instantiate(): EliminationKernel | null {
  const k = instantiateKernels([
    { bytes: moduleBytes(1), fn: 'rank1' },
    { bytes: moduleBytes(2), fn: 'rank2' },
  ]);
  return k && new EliminationKernel(k.memory, k.fns[0], k.fns[1]);
}

/** The kernel for this thread, or null where WebAssembly SIMD is unavailable. */
export const eliminationSimd: EliminationKernel | null = instantiate();
