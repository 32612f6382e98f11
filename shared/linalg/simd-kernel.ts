/**
 * A WebAssembly SIMD (f64x2) matrix-multiply kernel, emitted as bytes by the code below (no build
 * step, no binary in the repository) and instantiated once per thread.
 *
 * Departure from plain TypeScript, and why: scalar JavaScript tops out near 1.7 multiply-adds/ns
 * here, LAPACK's kernels near 8; the eigensolver's O(n³) work is matrix products, and with f64x2
 * this kernel reaches ~8. It stays float64 and deterministic: wasm has no fused multiply-add
 * unless asked (relaxed SIMD, not used), so every product and sum is rounded as in JavaScript, in
 * a fixed order. Where SIMD is unavailable `simd` is null and callers use their scalar paths.
 *
 * Layouts (offsets and strides in doubles, in the kernel's own memory):
 *  - A "panels": rows in groups of four; group g, column q, row r at a + g·4p + 4q + r.
 *  - B and C "strips": columns in groups of four; strip s, row q, column t at b + s·bStride + 4q + t.
 * gemm computes C += A B for m4 (a multiple of 4) rows, `strips` column strips and inner size p.
 */

import { codeBuffer, instantiateKernels, moduleWithOneFunction, op, u32 } from '../wasm/bytes.js';

/** The module: imports env.mem, exports gemm(m4, strips, p, a, b, bStride, c, cStride) in bytes. */
function moduleBytes(): Uint8Array {
  // Locals: 0–7 params; 8 i, 9 s, 10 q, 11 pa0, 12 pa, 13 pb, 14 pc (i32); 15–22 acc, 23 b01, 24 b23, 25 av (v128).
  const [M4, STRIPS, P, A, B, BSTRIDE, C, CSTRIDE] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [I, S, Q, PA0, PA, PB, PC] = [8, 9, 10, 11, 12, 13, 14];
  const ACC = 15;
  const [B01, B23, AV] = [23, 24, 25];
  const { get, set, tee, i32, ADD, SUB, MUL, SHL, GE_U, BLOCK, LOOP, END, BR, BR_IF, VOID } = op;
  const load = (offset: number) => op.vload(offset, 4); // the packed layouts are 16-aligned
  const store = (offset: number) => op.vstore(offset, 4);
  const splat = op.splatLoad;
  const [fadd, fmul] = [op.VADD, op.VMUL];
  const { code, emit } = codeBuffer();
  emit(i32(0), set(I));
  emit(BLOCK, VOID, LOOP, VOID);
  emit(get(I), get(M4), GE_U, BR_IF, 1);
  // pa0 = a + i·p·8 bytes: row group i/4 starts at (i/4)·4p doubles.
  emit(get(A), get(I), get(P), MUL, i32(3), SHL, ADD, set(PA0));
  emit(i32(0), set(S));
  emit(BLOCK, VOID, LOOP, VOID);
  emit(get(S), get(STRIPS), GE_U, BR_IF, 1);
  emit(get(B), get(S), get(BSTRIDE), MUL, ADD, set(PB));
  // pc = c + s·cStride + i·32 bytes (row i of the strip, four doubles a row).
  emit(get(C), get(S), get(CSTRIDE), MUL, ADD, get(I), i32(5), SHL, ADD, set(PC));
  for (let r = 0; r < 4; r++) {
    emit(get(PC), load(32 * r), set(ACC + 2 * r));
    emit(get(PC), load(32 * r + 16), set(ACC + 2 * r + 1));
  }
  emit(get(PA0), set(PA), get(P), set(Q));
  emit(LOOP, VOID);
  emit(get(PB), load(0), set(B01), get(PB), load(16), set(B23));
  for (let r = 0; r < 4; r++) {
    emit(get(PA), splat(8 * r), set(AV));
    emit(get(ACC + 2 * r), get(AV), get(B01), fmul, fadd, set(ACC + 2 * r));
    emit(get(ACC + 2 * r + 1), get(AV), get(B23), fmul, fadd, set(ACC + 2 * r + 1));
  }
  emit(get(PA), i32(32), ADD, set(PA), get(PB), i32(32), ADD, set(PB));
  // p >= 1 (the caller's guard), so counting q down to 0 runs exactly p times.
  emit(get(Q), i32(1), SUB, tee(Q), BR_IF, 0, END);
  for (let r = 0; r < 4; r++) {
    emit(get(PC), get(ACC + 2 * r), store(32 * r));
    emit(get(PC), get(ACC + 2 * r + 1), store(32 * r + 16));
  }
  emit(get(S), i32(1), ADD, set(S), BR, 0, END, END);
  emit(get(I), i32(4), ADD, set(I), BR, 0, END, END, END);
  const locals = [2, ...u32(7), 0x7f, ...u32(11), 0x7b];
  return moduleWithOneFunction('gemm', 8, [...locals, ...code]);
}

export interface SimdGemm {
  /** A float64 view of the kernel's memory, valid until the next `reserve`. */
  view(): Float64Array;
  /** Makes the memory hold at least `doubles` float64 values (views taken before are stale). */
  reserve(doubles: number): void;
  /** C += A B in the layouts above; offsets and strides in doubles; m4 % 4 = 0, p >= 1. */
  gemm(
    m4: number,
    strips: number,
    p: number,
    a: number,
    b: number,
    bStride: number,
    c: number,
    cStride: number,
  ): void;
}

function instantiate(): SimdGemm | null {
  const k = instantiateKernels([{ bytes: moduleBytes(), fn: 'gemm' }]);
  if (!k) return null;
  const { memory: mem } = k;
  const [kernel] = k.fns;
  return {
    view: () => mem.view(),
    reserve: (doubles) => mem.reserve(doubles),
    gemm(m4, strips, p, a, b, bStride, c, cStride) {
      kernel(m4, strips, p, a * 8, b * 8, bStride * 8, c * 8, cStride * 8);
    },
  };
}

/** The kernel for this thread, or null where WebAssembly SIMD is unavailable. */
export const simd: SimdGemm | null = instantiate();
