import test, { type ExecutionContext } from 'ava';
import { ldlt } from '../../shared/linalg/ldlt.js';
import { solveLdlt2 } from '../../shared/linalg/ldlt2.js';
import { Stream } from '../../shared/rng/stream.js';

/** ldlt(a, 2).solve(b), or null when singular: the general path solveLdlt2 must equal bit for bit. */
function general(p: number, q: number, r: number, b0: number, b1: number): Float64Array | null {
  const f = ldlt(Float64Array.of(p, q, q, r), 2);
  return f.singular ? null : f.solve(Float64Array.of(b0, b1));
}

function same(t: ExecutionContext, p: number, q: number, r: number) {
  const rng = new Stream('ldlt2', p, q, r);
  const b0 = rng.normal();
  const b1 = rng.normal();
  const want = general(p, q, r, b0, b1);
  const out = Float64Array.of(7, 7);
  const ok = solveLdlt2(p, q, r, b0, b1, out);
  const at = `[[${p}, ${q}], [${q}, ${r}]]`;
  t.is(ok, want !== null, `singular? ${at}`);
  if (want) {
    t.true(Object.is(out[0], want[0]) && Object.is(out[1], want[1]), `${at}: ${out} vs ${want}`);
  } else t.deepEqual(Array.from(out), [7, 7], `${at}: out untouched`);
}

test('solveLdlt2 equals ldlt(a, 2).solve bit for bit on random matrices of every pivot branch', (t) => {
  const rng = new Stream('ldlt2-random');
  let branches = 0;
  for (let i = 0; i < 20_000; i++) {
    // Scales apart by up to 10⁶ each, so diagonal, interchanged and 2×2 pivots all occur.
    const s = () => rng.normal() * 10 ** Math.round(6 * rng.uniform() - 3);
    const p = s();
    const q = s();
    const r = s();
    if (Math.abs(p) < 0.64 * Math.abs(q)) branches++;
    same(t, p, q, r);
  }
  t.true(branches > 5000, `off-diagonal-dominant cases: ${branches}`);
});

test('solveLdlt2 agrees with ldlt on singular, zero, signed-zero and non-finite matrices', (t) => {
  const cases: Array<[number, number, number]> = [
    [0, 0, 0],
    [-0, 0, -0],
    [1, 1, 1],
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
    [1e-300, 1, 1e-300],
    [1, 1e-17, 1e-17],
    [4, 2, 1],
    [Number.NaN, 1, 1],
    [1, Number.NaN, 1],
    [1, 1, Number.NaN],
    [Number.POSITIVE_INFINITY, 1, 1],
    [1, Number.NEGATIVE_INFINITY, 1],
    [2, -3, 2],
    [-2, 5, 3],
    [1e-20, 1, 2],
  ];
  for (const [p, q, r] of cases) same(t, p, q, r);
});
