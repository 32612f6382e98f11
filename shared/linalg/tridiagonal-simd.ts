/**
 * The off-diagonal part of the tridiagonalization's fused pass (householder-tridiagonal.ts) in
 * WebAssembly SIMD (f64x2), emitted as bytes like simd-kernel.ts. For each group of four rows
 * r … r+3 (r = from, from + 4, … below rEnd) and every column c in [from, r):
 *
 *   A[r+k, c] −= pv[r+k]·pw[c] + pw[r+k]·pv[c]        (the previous step's rank-2 update)
 *   y[r+k] += A[r+k, c]·v[c],  y[c] += Σₖ A[r+k, c]·v[r+k]   (y += A v on the updated entries)
 *
 * two columns at a time. Why: this pass is ~90% of the reduction, and the reduction most of a
 * values-only eigendecomposition; scalar JavaScript ran it at about 1.7 multiply-adds/ns here.
 * Every A[r+k, c] and y[c] is rounded exactly as the scalar loop rounds it (same operations, same
 * order, no fused multiply-add); only the row sums y[r+k] are added in another (fixed) order:
 * even and odd columns apart, then together. The diagonal blocks and the last rows stay in
 * JavaScript.
 */
import { codeBuffer, instantiateKernels, moduleWithOneFunction, op } from '../wasm/bytes.js';

function moduleBytes(): Uint8Array {
  // Params (i32): n, from, rEnd, and byte addresses of m, pv, pw, v, y.
  const [, FROM, REND, M, PV, PW, V, Y] = [0, 1, 2, 3, 4, 5, 6, 7];
  // i32 locals.
  const [R, ROW0, STRIDE, OFF, END, ADDR] = [8, 9, 10, 11, 12, 13];
  // f64 locals: row scalars, the odd column's entries and sums.
  const SPV = 14;
  const SPW = 18;
  const SV = 22;
  const XS = 26;
  const T = 30;
  const [PVS, PWS, VS] = [34, 35, 36];
  // v128 locals.
  const PVK = 37;
  const PWK = 41;
  const VK = 45;
  const ACC = 49;
  const X = 53;
  const [PVC, PWC, VC, S] = [57, 58, 59, 60];

  const { get, set, i32, ADD, SHL, MUL, LT_U, BLOCK, LOOP, IF, BR, BR_IF, VOID } = op;
  const { fload, fstore, FADD, FSUB, FMUL, F64_ZERO, V_ZERO, lane, VADD, VSUB, VMUL } = op;
  const END_ = op.END;
  const vload = op.vload(); // align 8: columns need not be 16-aligned
  const vstore = op.vstore();
  const splat = op.SPLAT;
  const { code, emit } = codeBuffer();
  emit(get(0), i32(3), SHL, set(STRIDE));
  emit(get(FROM), set(R));
  emit(BLOCK, VOID, LOOP, VOID);
  // while r + 4 <= rEnd
  emit(get(REND), get(R), i32(4), ADD, LT_U, BR_IF, 1);
  emit(get(M), get(R), get(STRIDE), MUL, ADD, set(ROW0));
  for (let k = 0; k < 4; k++) {
    for (const [base, sc, vec] of [
      [PV, SPV, PVK],
      [PW, SPW, PWK],
      [V, SV, VK],
    ])
      emit(get(base), get(R), i32(3), SHL, ADD, fload(8 * k), set(sc + k), get(sc + k), splat, set(vec + k));
    emit(V_ZERO, set(ACC + k), F64_ZERO, set(T + k));
  }
  emit(get(FROM), i32(3), SHL, set(OFF), get(R), i32(3), SHL, set(END));
  // Column pairs: while off + 16 <= end.
  emit(BLOCK, VOID, LOOP, VOID);
  emit(get(END), get(OFF), i32(16), ADD, LT_U, BR_IF, 1);
  emit(get(PV), get(OFF), ADD, vload, set(PVC));
  emit(get(PW), get(OFF), ADD, vload, set(PWC));
  emit(get(V), get(OFF), ADD, vload, set(VC));
  emit(get(ROW0), get(OFF), ADD, set(ADDR));
  for (let k = 0; k < 4; k++) {
    if (k > 0) emit(get(ADDR), get(STRIDE), ADD, set(ADDR));
    // x = (a − pv_k·pw_c) − pw_k·pv_c, as the scalar loop rounds it.
    emit(get(ADDR), get(ADDR), vload, get(PVK + k), get(PWC), VMUL, VSUB);
    emit(get(PWK + k), get(PVC), VMUL, VSUB, set(X + k), get(X + k), vstore);
    emit(get(ACC + k), get(X + k), get(VC), VMUL, VADD, set(ACC + k));
  }
  // y[c] += ((x0·v0 + x1·v1) + x2·v2) + x3·v3
  emit(get(X), get(VK), VMUL, get(X + 1), get(VK + 1), VMUL, VADD);
  emit(get(X + 2), get(VK + 2), VMUL, VADD, get(X + 3), get(VK + 3), VMUL, VADD, set(S));
  emit(get(Y), get(OFF), ADD, get(Y), get(OFF), ADD, vload, get(S), VADD, vstore);
  emit(get(OFF), i32(16), ADD, set(OFF), BR, 0, END_, END_);
  // The odd column left over, if any, in scalar f64.
  emit(get(OFF), get(END), LT_U, IF, VOID);
  emit(get(PV), get(OFF), ADD, fload(0), set(PVS));
  emit(get(PW), get(OFF), ADD, fload(0), set(PWS));
  emit(get(V), get(OFF), ADD, fload(0), set(VS));
  emit(get(ROW0), get(OFF), ADD, set(ADDR));
  for (let k = 0; k < 4; k++) {
    if (k > 0) emit(get(ADDR), get(STRIDE), ADD, set(ADDR));
    emit(get(ADDR), get(ADDR), fload(0), get(SPV + k), get(PWS), FMUL, FSUB);
    emit(get(SPW + k), get(PVS), FMUL, FSUB, set(XS + k), get(XS + k), fstore(0));
    emit(get(XS + k), get(VS), FMUL, set(T + k));
  }
  emit(get(Y), get(OFF), ADD, get(Y), get(OFF), ADD, fload(0));
  emit(get(XS), get(SV), FMUL, get(XS + 1), get(SV + 1), FMUL, FADD);
  emit(get(XS + 2), get(SV + 2), FMUL, FADD, get(XS + 3), get(SV + 3), FMUL, FADD, FADD, fstore(0));
  emit(END_);
  // y[r+k] += (even + odd) + odd column
  for (let k = 0; k < 4; k++) {
    emit(get(Y), get(R), i32(3), SHL, ADD, set(ADDR));
    emit(get(ADDR), get(ADDR), fload(8 * k), get(ACC + k), lane(0), get(ACC + k), lane(1), FADD);
    emit(get(T + k), FADD, FADD, fstore(8 * k));
  }
  emit(get(R), i32(4), ADD, set(R), BR, 0, END_, END_, END_);
  const locals = [3, 6, 0x7f, 23, 0x7c, 24, 0x7b];
  return moduleWithOneFunction('fused', 8, [...locals, ...code]);
}

export interface TridiagonalKernel {
  /** A float64 view of the kernel's memory, valid until the next `reserve`. */
  view(): Float64Array;
  reserve(doubles: number): void;
  /**
   * The pass above on arrays that are views of this kernel's memory (view().subarray(…)); m is
   * n × n row-major. Rows from … rEnd − 1, rEnd − from a multiple of four.
   */
  fused(
    n: number,
    from: number,
    rEnd: number,
    m: Float64Array,
    pv: Float64Array,
    pw: Float64Array,
    v: Float64Array,
    y: Float64Array,
  ): void;
}

function instantiate(): TridiagonalKernel | null {
  const k = instantiateKernels([{ bytes: moduleBytes(), fn: 'fused' }]);
  if (!k) return null;
  const { memory: mem } = k;
  const [kernel] = k.fns;
  return {
    view: () => mem.view(),
    reserve: (doubles) => mem.reserve(doubles),
    fused: (n, from, rEnd, m, pv, pw, v, y) =>
      kernel(n, from, rEnd, m.byteOffset, pv.byteOffset, pw.byteOffset, v.byteOffset, y.byteOffset),
  };
}

/** The kernel for this thread, or null where WebAssembly SIMD is unavailable. */
export const tridiagonalSimd: TridiagonalKernel | null = instantiate();
