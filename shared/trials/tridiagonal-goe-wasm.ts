/**
 * `tridiagonalGoeSturm` (tridiagonal-goe.ts) as a WebAssembly function, emitted as bytes with
 * shared/wasm/bytes.ts: the same xoshiro128** outputs, ziggurat (fast path and wedges),
 * Marsaglia–Tsang gammas and two Sturm chains, operation for operation (no fused multiply-add in
 * wasm, every constant the same double), so the same counts and the same stream position (tested).
 * Math.exp (wedges) and Math.log (the gamma's log test) are imported, so they are the very functions
 * the JavaScript kernel calls; the ziggurat's tail (layer 0, ~1 in 3,000 normals) calls back into
 * TrialStream.normalSlow on the stream's state, synced through memory.
 *
 * Why: V8's optimized code for the JavaScript kernel ran ~500 instructions per row (valgrind,
 * n = 480: ~240k per trial) in spills, map and bounds checks around the ~200 operations of the
 * algorithm; this one ~325 (156k per trial), and it draws and counts in one pass. The trials bench
 * (test/bench/trials.bench.ts) holds the tridiagonal index to ≥ 1,000× numpy's dense eigvalsh and
 * prints this kernel against the JavaScript one.
 *
 * Memory (bytes): [0, 16) the generator's state s0…s3; [16, 24) the two counts; then the
 * ziggurat's X[0…256] and F[0…256]; from GD_AT the gamma constants of the current n (d, c per row,
 * as gammaConstants gives them).
 */

import type { TrialStream } from '../rng/trial-stream.js';
import { zigguratTables } from '../rng/ziggurat.js';
import { codeBuffer, name, op, section, u32, wasmApi } from '../wasm/bytes.js';
import { gammaConstants } from './tridiagonal-goe.js';

const X_AT = 64;
const F_AT = X_AT + 8 * 257;
const GD_AT = 4224;

/** The f64.const instruction of exactly the double v. */
function f64const(v: number): number[] {
  return [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
}

function moduleBytes(): Uint8Array {
  // Params: n (i32), cut, pivmin (f64). Shared i32 locals: row k, half (shape ½), gamma offset.
  const [N, CUT, PIVMIN] = [0, 1, 2];
  const [K, HALF, GDP] = [3, 4, 5];
  // The trial's own i32 and f64 locals (a record, so that the emitters below read as the JavaScript
  // kernel does). Measured: two trials side by side in one loop (two such records) ran no faster,
  // the loop is throughput-bound.
  const I32_LOCALS = 3 + 12;
  const F0 = 3 + I32_LOCALS;
  const [D, C] = [F0, F0 + 1];
  const F64_LOCALS = 2 + 8;
  const trialLocals = () => {
    const i = 6;
    const f = F0 + 2;
    return {
      S: [i, i + 1, i + 2, i + 3],
      W: i + 4,
      LO: i + 5,
      BELOW: i + 6,
      BELOWHI: i + 7,
      T: i + 8,
      LAYER: i + 9,
      WU: i + 10,
      LOU: i + 11,
      DL: f,
      DH: f + 1,
      B2: f + 2,
      Z: f + 3,
      X: f + 4,
      V: f + 5,
      U: f + 6,
      Z2: f + 7,
    };
  };
  type Lane = ReturnType<typeof trialLocals>;
  const [SLOW, LOG, EXP] = [0, 1, 2]; // imported functions

  const { get, set, i32, fload } = op;
  const [I_ADD, I_SUB, I_MUL, I_AND, I_XOR, I_SHL, I_SHR_U, I_ROTL, I_EQ, I_GE_S, I_EQZ] = [
    0x6a, 0x6b, 0x6c, 0x71, 0x73, 0x74, 0x76, 0x77, 0x46, 0x4e, 0x45,
  ];
  const [L_EXTEND_U, L_SHL, L_SHR_U, L_OR] = [0xad, 0x86, 0x88, 0x84];
  const l64 = (x: number) => [0x42, ...u32(x)];
  const [F_ADD, F_SUB, F_MUL, F_DIV, F_LT, F_LE, F_EQ, F_FROM_I32_S, F_FROM_I64_S] = [
    0xa0, 0xa1, 0xa2, 0xa3, 0x63, 0x65, 0x61, 0xb7, 0xb9,
  ];
  const iload = (offset: number) => [0x28, 2, ...u32(offset)];
  const istore = (offset: number) => [0x36, 2, ...u32(offset)];
  const [SELECT, CALL, F_NEG] = [0x1b, 0x10, 0x9a];
  const TWO_M52 = f64const(2 ** -52);

  const { code, emit } = codeBuffer();
  // Structured control with named labels: br(label) computes the depth.
  const labels: string[] = [];
  const open = (op: number, label: string) => {
    emit(op, 0x40);
    labels.push(label);
  };
  const openIf = () => open(0x04, 'if');
  const close = () => {
    emit(0x0b);
    labels.pop();
  };
  const depth = (label: string) => labels.length - 1 - labels.lastIndexOf(label);
  const br = (label: string) => emit(0x0c, ...u32(depth(label)));
  const brIf = (label: string) => emit(0x0d, ...u32(depth(label)));

  /** One xoshiro128** output into local `dst`, then the state's step (see TrialStream.nextInt32). */
  const next = (L: Lane, dst: number) => {
    const [S0, S1, S2, S3] = L.S;
    emit(get(S1), i32(5), I_MUL, i32(7), I_ROTL, i32(9), I_MUL, set(dst));
    emit(get(S1), i32(9), I_SHL, set(L.T));
    emit(get(S2), get(S0), I_XOR, set(S2));
    emit(get(S3), get(S1), I_XOR, set(S3));
    emit(get(S1), get(S2), I_XOR, set(S1));
    emit(get(S0), get(S3), I_XOR, set(S0));
    emit(get(S2), get(L.T), I_XOR, set(S2));
    emit(get(S3), i32(11), I_ROTL, set(S3));
  };
  /** (w >>> 12)·2³² + lo, exactly (< 2⁵²), as f64. */
  const mantissa = (w: number, lo: number) => {
    emit(get(w), L_EXTEND_U, l64(12), L_SHR_U, l64(32), L_SHL, get(lo), L_EXTEND_U, L_OR, F_FROM_I64_S);
  };
  const saveState = (L: Lane) => {
    for (const [i, s] of L.S.entries()) emit(i32(0), get(s), istore(4 * i));
  };
  const loadState = (L: Lane) => {
    for (const [i, s] of L.S.entries()) emit(i32(0), iload(4 * i), set(s));
  };
  /**
   * A standard normal into Z by the ziggurat, as TrialStream.normal and normalSlow draw it: the
   * fast path; for layers k ≥ 1 the wedge test here (a uniform from two fresh outputs, accepted if
   * F[k] + u·(F[k+1] − F[k]) < exp(−x²/2), else a fresh draw); the tail (k = 0) in JavaScript.
   */
  const normal = (L: Lane) => {
    const { W, LO, LAYER, X, Z, U } = L;
    open(0x02, 'normal');
    open(0x03, 'draw');
    next(L, W);
    next(L, LO);
    emit(get(W), i32(255), I_AND, i32(3), I_SHL, set(LAYER));
    // x = ((w >>> 12)·2³² + lo)·2⁻⁵²·X[layer]
    mantissa(W, LO);
    emit(TWO_M52, F_MUL, get(LAYER), fload(X_AT), F_MUL, set(X));
    emit(get(X), get(LAYER), fload(X_AT + 8), F_LT);
    openIf();
    emit(i32(1), get(W), i32(7), I_SHR_U, i32(2), I_AND, I_SUB, F_FROM_I32_S, get(X), F_MUL, set(Z));
    br('normal');
    close();
    emit(get(LAYER), I_EQZ);
    openIf();
    saveState(L);
    emit(get(W), get(X), CALL, ...u32(SLOW), set(Z));
    loadState(L);
    br('normal');
    close();
    next(L, L.WU);
    next(L, L.LOU);
    mantissa(L.WU, L.LOU);
    emit(f64const(0.5), F_ADD, TWO_M52, F_MUL, set(U));
    // F[k] + u·(F[k+1] − F[k]) < exp((−0.5·x)·x)
    emit(
      get(LAYER),
      fload(F_AT),
      get(U),
      get(LAYER),
      fload(F_AT + 8),
      get(LAYER),
      fload(F_AT),
      F_SUB,
      F_MUL,
      F_ADD,
    );
    emit(f64const(-0.5), get(X), F_MUL, get(X), F_MUL, CALL, ...u32(EXP), F_LT);
    openIf();
    emit(get(X), F_NEG, get(X), get(W), i32(256), I_AND, SELECT, set(Z));
    br('normal');
    close();
    br('draw');
    close();
    close();
  };
  /** One chain's step: dst = (z ± cut) − b2/dst, an exact zero replaced by −pivmin, counted if < 0. */
  const chain = (L: Lane, dst: number, op: number, count: number) => {
    emit(get(L.Z), get(CUT), op, get(L.B2), get(dst), F_DIV, F_SUB, set(dst));
    emit(get(PIVMIN), F_NEG, get(dst), get(dst), f64const(0), F_EQ, SELECT, set(dst));
    emit(get(count), get(dst), f64const(0), F_LT, I_ADD, set(count));
  };
  /** b2 ~ Gamma((n − 1 − k)/2) as TrialStream.gamma draws it (shape ½: Z²/2). */
  const gamma = (L: Lane) => {
    const { Z, V, U, Z2, B2, W, LO } = L;
    const accept = () => {
      emit(get(D), get(V), F_MUL, set(B2));
      br('drawn');
    };
    open(0x02, 'drawn');
    open(0x03, 'retry');
    normal(L);
    emit(get(HALF));
    openIf();
    emit(f64const(0.5), get(Z), F_MUL, get(Z), F_MUL, set(B2));
    br('drawn');
    close();
    emit(f64const(1), get(C), get(Z), F_MUL, F_ADD, set(V));
    emit(get(V), f64const(0), F_LE);
    brIf('retry');
    emit(get(V), get(V), F_MUL, get(V), F_MUL, set(V));
    next(L, W);
    next(L, LO);
    mantissa(W, LO);
    emit(f64const(0.5), F_ADD, TWO_M52, F_MUL, set(U));
    emit(get(Z), get(Z), F_MUL, set(Z2));
    // u < 1 − 0.0331·z2·z2
    emit(get(U), f64const(1), f64const(0.0331), get(Z2), F_MUL, get(Z2), F_MUL, F_SUB, F_LT);
    openIf();
    accept();
    close();
    // log(u) < 0.5·z2 + d·((1 − v) + log(v))
    emit(get(U), CALL, ...u32(LOG));
    emit(f64const(0.5), get(Z2), F_MUL, get(D), f64const(1), get(V), F_SUB, get(V), CALL, ...u32(LOG));
    emit(F_ADD, F_MUL, F_ADD, F_LT);
    openIf();
    accept();
    close();
    br('retry');
    close(); // retry
    close(); // drawn
  };

  const L = trialLocals();
  loadState(L);
  emit(f64const(1), set(L.DL), f64const(1), set(L.DH));
  open(0x02, 'done');
  open(0x03, 'rows');
  emit(get(K), get(N), I_GE_S);
  brIf('done');
  normal(L);
  chain(L, L.DL, F_ADD, L.BELOW);
  chain(L, L.DH, F_SUB, L.BELOWHI);
  open(0x02, 'nextRow');
  emit(get(K), get(N), i32(1), I_SUB, I_GE_S);
  brIf('nextRow');
  emit(get(K), get(N), i32(2), I_SUB, I_EQ, set(HALF));
  emit(get(K), i32(4), I_SHL, set(GDP)); // 16 bytes per row: d, c
  emit(get(GDP), fload(GD_AT), set(D), get(GDP), fload(GD_AT + 8), set(C));
  gamma(L);
  close(); // nextRow
  emit(get(K), i32(1), I_ADD, set(K));
  br('rows');
  close(); // rows
  close(); // done
  saveState(L);
  emit(i32(0), get(L.BELOW), istore(16), i32(0), get(L.BELOWHI), istore(20));
  emit(0x0b);

  const F64 = 0x7c;
  const I32 = 0x7f;
  const body = [2, ...u32(I32_LOCALS), I32, ...u32(F64_LOCALS), F64, ...code];
  const imp = (field: string, type: number) => [...name('env'), ...name(field), 0x00, type];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // Types: 0 (i32, f64, f64) → (); 1 (i32, f64) → f64; 2 (f64) → f64.
    ...section(1, [3, 0x60, 3, I32, F64, F64, 0, 0x60, 2, I32, F64, 1, F64, 0x60, 1, F64, 1, F64]),
    ...section(2, [
      4,
      ...name('env'),
      ...name('mem'),
      0x02,
      0x00,
      1,
      ...imp('slow', 1),
      ...imp('log', 2),
      ...imp('exp', 2),
    ]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('sturm'), 0x00, 3]),
    ...section(10, [1, ...u32(body.length), ...body]),
  ]);
}

/** The fused draw + Sturm chains for one trial (out[0], out[1] as `tridiagonalGoeSturm`). */
export type TridiagonalGoeSturm = (
  stream: TrialStream,
  n: number,
  cut: number,
  pivmin: number,
  out: Int32Array,
) => void;

function instantiate(): TridiagonalGoeSturm | null {
  const wasm = wasmApi();
  const bytes = moduleBytes();
  if (!wasm?.validate(bytes)) return null;
  const memory = new wasm.Memory({ initial: 1 });
  let i32 = new Int32Array(memory.buffer);
  let f64 = new Float64Array(memory.buffer);
  let current: TrialStream | null = null;
  // The state is copied word by word: a subarray view allocated per trial costs more than the copy.
  const load = (s: Int32Array) => {
    i32[0] = s[0];
    i32[1] = s[1];
    i32[2] = s[2];
    i32[3] = s[3];
  };
  const unload = (s: Int32Array) => {
    s[0] = i32[0];
    s[1] = i32[1];
    s[2] = i32[2];
    s[3] = i32[3];
  };
  const slow = (w: number, x: number): number => {
    const stream = current as TrialStream;
    unload(stream.s);
    const z = stream.normalSlow(w, x);
    load(stream.s);
    return z;
  };
  const env = { env: { mem: memory, slow, log: Math.log, exp: Math.exp } };
  const instance = new wasm.Instance(new wasm.Module(bytes), env);
  const kernel = instance.exports.sturm as (n: number, cut: number, pivmin: number) => void;
  const tables = zigguratTables();
  f64.set(tables.X, X_AT / 8);
  f64.set(tables.F, F_AT / 8);
  let gdN = -1;
  return (stream, n, cut, pivmin, out) => {
    if (n !== gdN) {
      const need = GD_AT + 16 * n;
      if (need > memory.buffer.byteLength) {
        memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
        i32 = new Int32Array(memory.buffer);
        f64 = new Float64Array(memory.buffer);
      }
      f64.set(gammaConstants(n).subarray(0, 2 * n), GD_AT / 8);
      gdN = n;
    }
    load(stream.s);
    current = stream;
    kernel(n, cut, pivmin);
    current = null;
    unload(stream.s);
    out[0] = i32[4];
    out[1] = i32[5];
  };
}

/** The kernel for this thread, or null where WebAssembly is unavailable. */
export const tridiagonalGoeSturmWasm: TridiagonalGoeSturm | null = instantiate();
