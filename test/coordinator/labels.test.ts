import test from 'ava';
import { formatValue, labeller, labelsOf } from '../../coordinator/report/labels.js';
import { isFitted, outcome } from '../../coordinator/report/outcome.js';
import { proportionDifference } from '../../shared/analysis/difference.js';
import { formatProportion, wilson } from '../../shared/analysis/intervals.js';
import type { RunRow } from '../../shared/study/result.js';

const c = (kind: string, params: Record<string, unknown>) => ({ kind, params: JSON.stringify(params) });

test('optimizer labels name what differs between configurations of a kind, and only that', (t) => {
  const configs = [
    c('newton', { alpha: 1, lambda: 0.001 }),
    c('newton', { alpha: 1, lambda: 0.01 }),
    c('adam', { beta1: 0.9, lr: 0.001 }),
    c('adam', { beta1: 0.9, lr: 0.0005 }),
    c('bfgs', {}),
    c('saddle-free-newton', { alpha: 1, lambda: 0 }),
  ];
  const label = labeller(configs, { kind: 'always' });
  t.deepEqual(configs.map(label), [
    'newton λ=1e-3',
    'newton λ=1e-2',
    'adam lr=1e-3',
    'adam lr=5e-4',
    'bfgs',
    'saddle-free-newton',
  ]);
  // Two parameters differ: both are named, in key order.
  const two = [c('newton', { alpha: 0.5, lambda: 0.001 }), c('newton', { alpha: 1, lambda: 0.01 })];
  t.deepEqual(two.map(labeller(two, { kind: 'always' })), ['newton α=0.5 λ=1e-3', 'newton α=1 λ=1e-2']);
});

test('problem labels: the kind only when kinds differ, string values alone', (t) => {
  const sweep = [
    c('mlp-regression', { activation: 'tanh', width: 20, depth: 2 }),
    c('mlp-regression', { activation: 'sin', width: 20, depth: 2 }),
    c('mlp-regression', { activation: 'tanh', width: 40, depth: 2 }),
  ];
  t.deepEqual(sweep.map(labeller(sweep, { kind: 'if-differs' })), [
    'tanh width=20',
    'sin width=20',
    'tanh width=40',
  ]);
  const mixed = [c('torus', { R: 2 }), c('pinn-1d', { width: 10 })];
  t.deepEqual(mixed.map(labeller(mixed, { kind: 'if-differs' })), ['torus', 'pinn-1d']);
  const rows = [
    { optimizer: 'newton', optimizer_params: '{"lambda":0}', problem: 'torus', problem_params: '{"R":2}' },
  ];
  const l = labelsOf(rows);
  t.is(l.optimizer(rows[0]), 'newton');
  t.is(l.problem(rows[0]), 'torus');
  t.deepEqual(l.optimizers, [{ label: 'newton', kind: 'newton' }]);
});

test('formatValue: powers of ten and small values in exponent form, others with at most 4 digits', (t) => {
  t.deepEqual([1e-2, 0.05, 1e-3, 2.5e-4, 0.5, 1, 20, 1234.5, 1e5, 0, 'tanh', [1, 2]].map(formatValue), [
    '1e-2',
    '5e-2',
    '1e-3',
    '2.5e-4',
    '0.5',
    '1',
    '20',
    '1235',
    '1e5',
    '0',
    'tanh',
    '[1,2]',
  ]);
});

test('formatProportion never prints an interval inside (0, 1) as a point, nor a value inside it as 0 or 1', (t) => {
  const all = wilson(20000, 20000);
  t.true(all.lo < 1);
  const s = formatProportion(all);
  t.regex(s, /^20000 \(1\.0+ \[0\.9998\d*, 1\.0+\]\)$/);
  t.notRegex(s, /\[1\.000, 1\.000\]/);
  t.is(formatProportion(wilson(3, 12)), '3 (0.250 [0.089, 0.532])');
  const none = formatProportion(wilson(0, 1_000_000));
  const hi = Number(/, ([\d.]+)\]/.exec(none)![1]);
  t.true(hi > 0, none);
});

test('proportionDifference: Newcombe (1998) method 10 on his examples', (t) => {
  // Newcombe's Table II: 56/70 − 48/80 → [0.0524, 0.3339]; 0/10 − 0/20 → [−0.1611, 0.2775].
  const a = proportionDifference(48, 80, 56, 70);
  t.is(Number(a.lo.toFixed(4)), 0.0524);
  t.is(Number(a.hi.toFixed(4)), 0.3339);
  const b = proportionDifference(0, 20, 0, 10);
  t.is(Number(b.lo.toFixed(4)), -0.1611);
  t.is(Number(b.hi.toFixed(4)), 0.2775);
  t.is(b.p, 1);
  // The z test: 48/80 vs 56/70 has z = 2.6527 (pooled), two-sided p ≈ 0.0080.
  t.true(Math.abs(a.p - 0.00798) < 2e-4, String(a.p));
});

test('fitted: a capped run whose output norm matches the target within 5%, and nothing else', (t) => {
  const row = (status: string, ratio: number | null) =>
    ({ status, output_norm_ratio: ratio, point_class: null, trivial: null }) as unknown as RunRow;
  t.true(isFitted(row('max_iter', 0.97)));
  t.true(isFitted(row('max_iter', 1.049)));
  t.false(isFitted(row('max_iter', 1.06)));
  t.false(isFitted(row('max_iter', 0.001)));
  t.false(isFitted(row('max_iter', null)));
  t.false(isFitted(row('diverged', 1)));
  t.is(outcome(row('max_iter', 0.99)), 'fitted');
  t.is(outcome(row('max_iter', 0.2)), 'max_iter');
});
