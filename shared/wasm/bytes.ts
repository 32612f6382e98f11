/**
 * Helpers to emit small WebAssembly modules as bytes, for the kernels of shared/linalg
 * (simd-kernel.ts, tridiagonal-simd.ts) and shared/trials (elimination-simd.ts,
 * tridiagonal-goe-wasm.ts): LEB128 integers, names, sections, instruction encodings, and the slice
 * of the WebAssembly API the kernels use.
 */

export const SIMD = 0xfd;

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128. */
export function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const name = (s: string) => [...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
export const section = (id: number, bytes: number[]) => [id, ...u32(bytes.length), ...bytes];

/** The slice of the WebAssembly API used here (the project's `lib` setting has no DOM types). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** This runtime's WebAssembly, or undefined where there is none (callers use their scalar paths). */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** A module with one exported function `fn` of `params` i32 parameters and no result, importing env.mem. */
export function moduleWithOneFunction(fn: string, params: number, body: number[]): Uint8Array {
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, params, ...Array(params).fill(0x7f), 0]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name(fn), 0x00, 0]),
    ...section(10, [1, ...u32(body.length), ...body]),
  ]);
}

/** A growable memory and the view of it as float64 (views taken before a `reserve` are stale). */
export class KernelMemory {
  private f64: Float64Array;
  constructor(readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number }) {
    this.f64 = new Float64Array(memory.buffer);
  }
  view(): Float64Array {
    return this.f64;
  }
  reserve(doubles: number): void {
    const bytesNeeded = doubles * 8;
    if (bytesNeeded > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((bytesNeeded - this.memory.buffer.byteLength) / 65536));
      this.f64 = new Float64Array(this.memory.buffer);
    }
  }
}

/** The instruction encodings the kernels use (WebAssembly core and fixed-width SIMD). */
export const op = {
  get: (local: number) => [0x20, ...u32(local)],
  set: (local: number) => [0x21, ...u32(local)],
  tee: (local: number) => [0x22, ...u32(local)],
  i32: (value: number) => [0x41, ...s32(value)],
  ADD: 0x6a,
  SUB: 0x6b,
  MUL: 0x6c,
  SHL: 0x74,
  LT_U: 0x49,
  GE_U: 0x4f,
  BLOCK: 0x02,
  LOOP: 0x03,
  IF: 0x04,
  END: 0x0b,
  BR: 0x0c,
  BR_IF: 0x0d,
  VOID: 0x40,
  /** f64.load / f64.store, align 8. */
  fload: (offset: number) => [0x2b, 3, ...u32(offset)],
  fstore: (offset = 0) => [0x39, 3, ...u32(offset)],
  FADD: 0xa0,
  FSUB: 0xa1,
  FMUL: 0xa2,
  F64_ZERO: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  /** v128.load / v128.store; align 2^alignLog2 bytes (3: rows need not be 16-aligned). */
  vload: (offset = 0, alignLog2 = 3) => [SIMD, 0x00, alignLog2, ...u32(offset)],
  vstore: (offset = 0, alignLog2 = 3) => [SIMD, 0x0b, alignLog2, ...u32(offset)],
  /** v128.load64_splat: one double into both lanes. */
  splatLoad: (offset: number) => [SIMD, 0x0a, 3, ...u32(offset)],
  /** f64x2.splat of the f64 on the stack. */
  SPLAT: [SIMD, 0x14],
  lane: (l: number) => [SIMD, 0x21, l],
  V_ZERO: [SIMD, 0x0c, ...Array(16).fill(0)],
  VADD: [SIMD, ...u32(0xf0)],
  VSUB: [SIMD, ...u32(0xf1)],
  VMUL: [SIMD, ...u32(0xf2)],
} as const;

/** A function body being written: `emit` appends opcodes and encoded instructions. */
export function codeBuffer(): {
  readonly code: number[];
  emit: (...parts: Array<number | readonly number[]>) => void;
} {
  const code: number[] = [];
  return {
    code,
    emit: (...parts) => {
      for (const p of parts) typeof p === 'number' ? code.push(p) : code.push(...p);
    },
  };
}

/**
 * Instantiates kernel modules (each exporting one function, importing env.mem) on one shared
 * memory, or returns null where WebAssembly (SIMD) is unavailable and callers use their scalar paths.
 */
export function instantiateKernels(
  modules: ReadonlyArray<{ readonly bytes: Uint8Array; readonly fn: string }>,
): { readonly memory: KernelMemory; readonly fns: Array<(...args: number[]) => void> } | null {
  const wasm = wasmApi();
  if (!wasm || !modules.every((m) => wasm.validate(m.bytes))) return null;
  const memory = new wasm.Memory({ initial: 16 });
  const fns = modules.map(
    (m) =>
      new wasm.Instance(new wasm.Module(m.bytes), { env: { mem: memory } }).exports[m.fn] as (
        ...args: number[]
      ) => void,
  );
  return { memory: new KernelMemory(memory), fns };
}
