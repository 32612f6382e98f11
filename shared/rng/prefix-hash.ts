import { createHash, type Hash } from 'node:crypto';
import { Sha256Head } from './sha256.js';

/**
 * SHA-256 of many texts that share a long head (a configuration's tasks, around their seed): the
 * hash state after the head is kept and copied for each text. The digest is SHA-256 of head +
 * tail, bit for bit: ASCII tails through sha256.ts's JavaScript compressions from the head's
 * state, others through a copy of node:crypto's (tiny runs hash a task id and an init stream each).
 */
export class PrefixHash {
  private readonly state: Hash;
  private readonly js: Sha256Head;
  private readonly out = Buffer.alloc(32);

  constructor(readonly head: string) {
    this.state = createHash('sha256').update(head);
    this.js = new Sha256Head(Buffer.from(head, 'utf8'));
  }

  /** The digest (a fresh Buffer). */
  digest(tail: string): Buffer {
    return Buffer.from(this.digestBytes(tail));
  }

  hex(tail: string, chars = 64): string {
    const d = this.digestBytes(tail);
    let s = '';
    for (let i = 0; i < chars; i += 2) s += HEX[d[i >> 1]];
    return chars % 2 === 0 ? s : s.slice(0, chars);
  }

  /** The digest in a scratch buffer that the next call overwrites. */
  private digestBytes(tail: string): Uint8Array {
    if (this.js.digestInto(tail, this.out)) return this.out;
    return this.state.copy().update(tail).digest();
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The PrefixHash of a head, kept for reuse: a block's tasks, or a study's streams, share a few
 * heads. Bounded: cleared when it holds more than `MAX` (a study has a handful of configurations
 * live at once).
 */
const MAX = 256;
const cache = new Map<string, PrefixHash>();
export function prefixHash(head: string): PrefixHash {
  let h = cache.get(head);
  if (h === undefined) {
    if (cache.size >= MAX) cache.clear();
    h = new PrefixHash(head);
    cache.set(head, h);
  }
  return h;
}
