import { codeBuffer, instantiateKernels, moduleWithOneFunction, op, SIMD, u32 } from '../wasm/bytes.js';
import { SHA256_K } from './sha256-k.js';

/**
 * SHA-256 compressions of four messages at once, one per 32-bit lane of WebAssembly SIMD (the
 * multi-buffer form): a fused torus block hashes two texts a seed (its task id and its init
 * stream) of the same length for most neighbouring seeds. `sha4(state, blocks, count)` runs
 * `count` compressions of four lanes: state is 8 × v128 (word i of lane l at 16 i + 4 l), each
 * block 16 × v128 of message words, already big-endian decoded. The 64 rounds are unrolled with
 * the working variables renamed instead of moved. test/shared/stream.test.ts checks the digests
 * against node:crypto; npm run bench tiny prints what a study gains.
 */

const I32X4_SPLAT = [SIMD, ...u32(0x11)];
const I32X4_ADD = [SIMD, ...u32(0xae)];
const I32X4_SHL = [SIMD, ...u32(0xab)];
const I32X4_SHR_U = [SIMD, ...u32(0xad)];
const V_AND = [SIMD, ...u32(0x4e)];
const V_ANDNOT = [SIMD, ...u32(0x4f)];
const V_OR = [SIMD, ...u32(0x50)];
const V_XOR = [SIMD, ...u32(0x51)];
const I32_EQZ = 0x45;

function sha4Module(): Uint8Array {
  // Params: 0 state, 1 blocks, 2 count. Locals: 3 (i32, unused), 4–11 the working variables,
  // 12–27 the message schedule's ring of 16 words, 28 t1.
  const locals = [2, ...u32(1), 0x7f, ...u32(25), 0x7b];
  const { code, emit } = codeBuffer();
  const W = (i: number) => 12 + (i & 15);
  const T1 = 28;
  const rotr = (x: number, n: number) =>
    emit(op.get(x), op.i32(n), I32X4_SHR_U, op.get(x), op.i32(32 - n), I32X4_SHL, V_OR);
  /** σ/Σ of local x: rotr(x, r0) ^ rotr(x, r1) ^ (shift ? x >>> r2 : rotr(x, r2)). */
  const sigma = (x: number, r0: number, r1: number, r2: number, shift: boolean) => {
    rotr(x, r0);
    rotr(x, r1);
    emit(V_XOR);
    if (shift) emit(op.get(x), op.i32(r2), I32X4_SHR_U);
    else rotr(x, r2);
    emit(V_XOR);
  };
  emit(op.BLOCK, op.VOID, op.LOOP, op.VOID);
  emit(op.get(2), I32_EQZ, op.BR_IF, 1);
  for (let i = 0; i < 8; i++) emit(op.get(0), op.vload(16 * i, 4), op.set(4 + i));
  for (let i = 0; i < 16; i++) emit(op.get(1), op.vload(16 * i, 4), op.set(W(i)));
  // v[0 … 7]: the locals holding a … h in this round.
  let v = [4, 5, 6, 7, 8, 9, 10, 11];
  for (let t = 0; t < 64; t++) {
    if (t >= 16) {
      // W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], in the ring slot of W[t−16].
      sigma(W(t + 14), 17, 19, 10, true);
      emit(op.get(W(t + 9)), I32X4_ADD);
      sigma(W(t + 1), 7, 18, 3, true);
      emit(I32X4_ADD, op.get(W(t)), I32X4_ADD, op.set(W(t)));
    }
    const [a, b, c, d, e, f, g, h] = v;
    // t1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; Ch = (e & f) ^ (g & ~e).
    emit(op.get(h));
    sigma(e, 6, 11, 25, false);
    emit(I32X4_ADD, op.get(e), op.get(f), V_AND, op.get(g), op.get(e), V_ANDNOT, V_XOR, I32X4_ADD);
    emit(op.i32(SHA256_K[t]), I32X4_SPLAT, I32X4_ADD, op.get(W(t)), I32X4_ADD, op.set(T1));
    // d += t1 (the next e); h = t1 + Σ0(a) + Maj(a, b, c) (the next a); Maj = (a & b) | (c & (a | b)).
    emit(op.get(d), op.get(T1), I32X4_ADD, op.set(d));
    emit(op.get(T1));
    sigma(a, 2, 13, 22, false);
    emit(I32X4_ADD, op.get(a), op.get(b), V_AND, op.get(c), op.get(a), op.get(b), V_OR, V_AND, V_OR);
    emit(I32X4_ADD, op.set(h));
    v = [h, a, b, c, d, e, f, g];
  }
  // 64 renamings bring every variable back to its local: state += (a … h).
  for (let i = 0; i < 8; i++)
    emit(op.get(0), op.get(0), op.vload(16 * i, 4), op.get(4 + i), I32X4_ADD, op.vstore(16 * i, 4));
  emit(op.get(1), op.i32(256), op.ADD, op.set(1));
  emit(op.get(2), op.i32(1), op.SUB, op.set(2));
  emit(op.BR, 0, op.END, op.END, op.END);
  return moduleWithOneFunction('sha4', 3, [...locals, ...code]);
}

/** Blocks of four lanes the scratch memory holds at once: a tail of up to 6 blocks. */
export const SHA4_MAX_BLOCKS = 6;

export interface Sha4Kernel {
  /** State (32 words: word i of lane l at 4 i + l) then the blocks (64 words each, same layout). */
  readonly words: Int32Array;
  /** Runs `count` compressions of the blocks in `words` on the state there. */
  run(count: number): void;
  /** Which caller's blocks `words` holds (they reload them when it is not theirs). */
  loaded: unknown;
}

function instantiate(): Sha4Kernel | null {
  const k = instantiateKernels([{ bytes: sha4Module(), fn: 'sha4' }]);
  if (!k) return null;
  const fn = k.fns[0];
  k.memory.reserve((32 + 64 * SHA4_MAX_BLOCKS) / 2);
  const words = new Int32Array(k.memory.view().buffer, 0, 32 + 64 * SHA4_MAX_BLOCKS);
  return { words, run: (count) => fn(0, 128, count), loaded: null };
}

let kernel: Sha4Kernel | null | undefined;

/**
 * The kernel, built at the first call (a process that never hashes four texts at once, a CLI
 * command or a coordinator, does not pay for it), or null where WebAssembly SIMD is unavailable
 * (callers hash a lane at a time).
 */
export function sha4(): Sha4Kernel | null {
  if (kernel === undefined) kernel = instantiate();
  return kernel;
}
