import test from 'ava';
import { classifySpectrum, type PointClass } from '../../shared/analysis/classify.js';

const cases: Array<[string, number[], PointClass, [number, number, number]]> = [
  ['all positive', [0.5, 1, 3], 'minimum', [3, 0, 0]],
  ['all negative', [-4, -2, -1e-3], 'maximum', [0, 3, 0]],
  ['mixed signs', [-1, 2, 3], 'saddle', [2, 1, 0]],
  ['mixed signs with zeros is still a saddle', [-1, 1e-12, 2], 'saddle', [1, 1, 1]],
  ['zeros and positives: inconclusive', [1e-12, 0.5, 1], 'degenerate', [2, 0, 1]],
  ['zeros and negatives: inconclusive', [-1, -0.5, -1e-12], 'degenerate', [0, 2, 1]],
  ['all zero', [0, 0], 'degenerate', [0, 0, 2]],
  ['1×1 minimum', [2.2], 'minimum', [1, 0, 0]],
];

for (const [name, eig, cls, [pos, neg, zero]] of cases) {
  test(`classify: ${name}`, (t) => {
    const s = classifySpectrum(Float64Array.from(eig), 1e-8);
    t.is(s.pointClass, cls);
    t.deepEqual([s.positive, s.negative, s.zero], [pos, neg, zero]);
    t.is(s.eigMin, eig[0]);
    t.is(s.eigMax, eig[eig.length - 1]);
  });
}

test('the zero tolerance is relative to the largest |eigenvalue|', (t) => {
  const eig = Float64Array.of(-1e-7, 1, 1e3);
  t.is(classifySpectrum(eig, 1e-12).pointClass, 'saddle');
  t.is(classifySpectrum(eig, 1e-6).pointClass, 'degenerate');
  t.is(classifySpectrum(Float64Array.of(-1e-7, 1e-6), 1e-3).pointClass, 'saddle');
});

test('condition number is max|λ| / min|λ|, infinite when singular', (t) => {
  t.is(classifySpectrum(Float64Array.of(-4, 0.5, 2), 1e-8).conditionNumber, 8);
  t.is(classifySpectrum(Float64Array.of(0, 2), 1e-8).conditionNumber, Number.POSITIVE_INFINITY);
});
