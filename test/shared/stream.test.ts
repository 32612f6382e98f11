import { createHash } from 'node:crypto';
import test from 'ava';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { PrefixHash, prefixHash } from '../../shared/rng/prefix-hash.js';
import { sha4 } from '../../shared/rng/sha256-simd.js';
import { Stream, seedStates } from '../../shared/rng/stream.js';

/** The stream's definition written out: xoroshiro128+ from SHA-256 of the key's JSON, hashed whole. */
function reference(key: Array<string | number>, draws: number): number[] {
  const digest = createHash('sha256').update(JSON.stringify(key)).digest();
  const state = [0, 1, 2, 3].map((i) => digest.readInt32LE(4 * i));
  if (!state.some((s) => s !== 0)) state[0] = 1;
  const gen = xoroshiro128plusFromState(state);
  return Array.from({ length: draws }, () => uniformFloat64(gen));
}

test('a stream draws what its key hashed whole gives, whatever the key (its head hashed once and copied)', (t) => {
  const problem = JSON.stringify({ kind: 'torus', note: 'quotes " and \\ and ünïcödé', R: 2 });
  const keys: Array<Array<string | number>> = [['only'], ['v', 'hvp-bench'], ['init', 2025, problem, 0]];
  for (let seed = 0; seed < 300; seed++)
    keys.push(['init', 2025, problem, seed], ['problem', 7, problem, seed * 7919]);
  for (const key of keys) {
    const s = new Stream(...key);
    t.deepEqual(
      Array.from({ length: 5 }, () => s.uniform()),
      reference(key, 5),
      JSON.stringify(key),
    );
  }
});

test('a prefix hash is SHA-256 of head + tail, call after call, the head state never changed by a tail', (t) => {
  const head = '{"kind":"optimize","optimizer":{"kind":"newton"},"seed":'.repeat(5);
  const h = new PrefixHash(head);
  for (const tail of ['0}', '1}', '', '123456789}', '0}', 'ü'.repeat(100)]) {
    const want = createHash('sha256')
      .update(head + tail)
      .digest('hex');
    t.is(h.hex(tail), want, tail);
    t.is(h.hex(tail, 20), want.slice(0, 20));
    // The digits as bytes, at an offset of a larger buffer (a task id column's).
    const bytes = new Uint8Array(30).fill(33);
    h.hexInto(tail, bytes, 5, 20);
    t.is(Buffer.from(bytes).toString('latin1'), `${'!'.repeat(5)}${want.slice(0, 20)}${'!'.repeat(5)}`);
    t.deepEqual(
      h.int32LE(tail),
      [0, 4, 8, 12].map((at) => Buffer.from(want, 'hex').readInt32LE(at)),
      'a stream state, with no text in between',
    );
    t.deepEqual(
      h.digest(tail),
      createHash('sha256')
        .update(head + tail)
        .digest(),
    );
  }
  t.is(prefixHash(head), prefixHash(head), 'the cache gives the same hasher for a head');
});

test('a prefix hash equals SHA-256 of the whole text at every head and tail length around the block edges', (t) => {
  // Heads and tails from 0 to 200 bytes: the padding falls in the same block, the next one, or
  // the one after; heads of multibyte characters keep their byte count apart from their length.
  const heads = ['', 'h', 'ü€'.repeat(11)];
  for (let n = 50; n <= 200; n += 7) heads.push('x'.repeat(n));
  let checked = 0;
  for (const head of heads) {
    const h = new PrefixHash(head);
    for (let m = 0; m <= 200; m += 1 + (m % 5)) {
      const tail = Array.from({ length: m }, (_, i) => String.fromCharCode(32 + ((i * 37 + m) % 95))).join(
        '',
      );
      const want = createHash('sha256')
        .update(head + tail)
        .digest();
      t.deepEqual(h.digest(tail), want, `${head.length} + ${m}`);
      t.is(h.hex(tail, 19), want.toString('hex').slice(0, 19));
      const bytes = new Uint8Array(19);
      h.hexInto(tail, bytes, 0, 19);
      t.is(Buffer.from(bytes).toString('latin1'), want.toString('hex').slice(0, 19));
      t.deepEqual(
        h.int32LE(tail),
        [0, 4, 8, 12].map((at) => want.readInt32LE(at)),
      );
      checked++;
    }
  }
  t.true(checked > 1000, `${checked} checked`);
});

test('four seeds hashed at once (SIMD lanes) equal SHA-256 of each text, at every head and suffix length; mixed digit counts fall back', (t) => {
  t.not(sha4(), null, 'WebAssembly SIMD is available on Node 20');
  let checked = 0;
  for (const headLength of [0, 1, 54, 63, 64, 65, 127, 246, 300]) {
    const head = 'h'.repeat(headLength);
    const h = new PrefixHash(head);
    for (let m = 0; m <= 200; m += 1 + (m % 9)) {
      const suffix = Array.from({ length: m }, (_, i) => String.fromCharCode(32 + ((i * 31 + m) % 95))).join(
        '',
      );
      for (const seeds of [
        [0, 1, 2, 9],
        [10, 11, 57, 99],
        [1234567, 2147483647, 1000000000, 1999999999],
        [8, 9, 10, 11],
      ]) {
        const bytes = new Uint8Array(4 * 21).fill(33);
        h.seedsHexInto4(seeds, 0, suffix, bytes, 1, 21, 20);
        const state = new Int32Array(16);
        h.seedsInt32LE4(seeds, 0, suffix, state);
        seeds.forEach((s, l) => {
          const want = createHash('sha256').update(`${head}${s}${suffix}`).digest();
          t.is(
            Buffer.from(bytes.subarray(1 + 21 * l, 21 + 21 * l)).toString('latin1'),
            want.toString('hex').slice(0, 20),
          );
          t.deepEqual(
            Array.from(state.subarray(4 * l, 4 * l + 4)),
            [0, 4, 8, 12].map((at) => want.readInt32LE(at)),
          );
        });
        checked++;
      }
    }
  }
  t.true(checked > 500, `${checked} checked`);
});

test('seedStates: the init streams of many seeds draw what new Stream(...key, seed) draws', (t) => {
  const head = ['init', 3, '{"R":2,"e":1.5,"kind":"torus","r":1}'];
  const seeds = Array.from({ length: 1030 }, (_, i) => (i < 1000 ? i : 2 ** 31 - 1 - i));
  const states = seedStates(head, seeds);
  seeds.forEach((s, i) => {
    const a = Stream.ofState(states, 4 * i);
    const b = new Stream(...head, s);
    t.deepEqual([a.uniform(), a.normal(), a.uniform()], [b.uniform(), b.normal(), b.uniform()], `seed ${s}`);
  });
});
