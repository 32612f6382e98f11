import { createHash } from 'node:crypto';

/**
 * Counter-based seeding (see counter.ts): Threefry-2×32 with 20 rounds (Salmon, Moraes, Dror &
 * Shaw, SC 2011) maps (key; trial, 0) and (key; trial, 1) to the 128-bit state of a trial's generator.
 */

/** A 64-bit Threefry key as two uint32 words. */
export interface CounterKey {
  readonly k0: number;
  readonly k1: number;
}

/** The key of a stream named by `parts` (strings and numbers): the first 64 bits of SHA-256. */
export function counterKey(...parts: ReadonlyArray<string | number>): CounterKey {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return { k0: digest.readUInt32LE(0), k1: digest.readUInt32LE(4) };
}

/** Skein's key-schedule parity constant (Threefish). */
const PARITY = 0x1bd11bda;

/** Output words of the last `threefry2x32` call (uint32 as int32 bits). */
export const threefryLanes = new Int32Array(2);
const lanes = threefryLanes;

/**
 * Threefry-2×32-20 of counter (c0, c1) under key (k0, k1); the two output words are left in
 * `threefryOut()`. Rotation constants R = 13, 15, 26, 6, 17, 29, 16, 24; a key injection after every
 * 4 rounds (Random123 threefry.h). Written out in full: V8 keeps everything in int32 registers.
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = PARITY ^ ks0 ^ ks1;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  // Rounds 1–4.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 1) | 0;
  // Rounds 5–8.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0;
  x1 = (x1 + ks0 + 2) | 0;
  // Rounds 9–12.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) | 0;
  x1 = (x1 + ks1 + 3) | 0;
  // Rounds 13–16.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 4) | 0;
  // Rounds 17–20.
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  lanes[0] = (x0 + ks2) | 0;
  lanes[1] = (x1 + ks0 + 5) | 0;
}

/** The two words of the last `threefry2x32` call, as uint32. */
export function threefryOut(): [number, number] {
  return [lanes[0] >>> 0, lanes[1] >>> 0];
}
