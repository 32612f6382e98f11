import test from 'ava';
import { wilson } from '../../shared/analysis/intervals.js';

test('Wilson interval matches a published value (Newcombe 1998, 81/263)', (t) => {
  const p = wilson(81, 263);
  // Newcombe (1998), Table I, method 3: 0.2553 to 0.3662.
  t.true(Math.abs(p.lo - 0.2553) < 5e-5);
  t.true(Math.abs(p.hi - 0.3662) < 5e-5);
});

test('Wilson interval at 0 and all successes is one-sided and inside [0, 1]', (t) => {
  const zero = wilson(0, 100);
  t.is(zero.lo, 0);
  t.true(zero.hi > 0.03 && zero.hi < 0.04);
  const all = wilson(100, 100);
  t.is(all.hi, 1);
  t.true(all.lo > 0.96 && all.lo < 0.97);
  t.true(Number.isNaN(wilson(0, 0).fraction));
});
