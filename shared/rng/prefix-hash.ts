import { createHash, type Hash } from 'node:crypto';

/**
 * SHA-256 of many texts that share a long head (a configuration's tasks, around their seed): the
 * hash state after the head is kept and copied for each text. The digest is SHA-256 of head +
 * tail, bit for bit; a copy saves hashing the head again and half the cost of a fresh hash object
 * (tiny runs hash a task id and an init stream each).
 */
export class PrefixHash {
  private readonly state: Hash;

  constructor(readonly head: string) {
    this.state = createHash('sha256').update(head);
  }

  digest(tail: string): Buffer {
    return this.state.copy().update(tail).digest();
  }

  hex(tail: string, chars = 64): string {
    return this.state.copy().update(tail).digest('hex').slice(0, chars);
  }
}

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
