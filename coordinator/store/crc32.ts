import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE) of a buffer: node:zlib's where it has one (Node ≥ 20.15), else a table-driven
 * version of the same polynomial; test/coordinator/store.test.ts checks the two agree.
 */
export const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data) => (zlib as unknown as { crc32(d: Uint8Array): number }).crc32(data) >>> 0
    : crc32Table;

let table: Uint32Array | null = null;

export function crc32Table(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
