import test from 'ava';
import { classifyHessian } from '../../shared/analysis/classify.js';
import { eigSym } from '../../shared/linalg/eig.js';
import { norm2 } from '../../shared/linalg/vector.js';
import { Circle } from '../../shared/problems/circle.js';
import type { Objective } from '../../shared/problems/objective.js';
import { Torus } from '../../shared/problems/torus.js';
import { Stream } from '../../shared/rng/stream.js';
import { asymmetry, centralGradient, centralHessian, relativeError } from '../helpers/derivatives.js';

const objectives: Array<[string, Objective]> = [
  ['circle y=(2,1)', new Circle([2, 1])],
  ['circle y=(-0.3,0.7)', new Circle([-0.3, 0.7])],
  ['torus R=2 r=1 e=1.5', new Torus(2, 1, 1.5)],
  ['torus R=3 r=0.5 e=2', new Torus(3, 0.5, 2)],
  ['torus R=2 r=1 e=0.7', new Torus(2, 1, 0.7)],
];

for (const [name, f] of objectives) {
  test(`${name}: exact gradient and Hessian match central differences at random points`, (t) => {
    const rng = new Stream('geometry-test', name);
    for (let k = 0; k < 20; k++) {
      const x = f.initial(rng);
      const e = f.evaluate2(x);
      t.is(e.value, f.value(x));
      t.true(relativeError(e.gradient, centralGradient(f, x)) < 1e-8, `gradient at ${x}`);
      t.true(relativeError(e.hessian, centralHessian(f, x)) < 1e-7, `hessian at ${x}`);
      t.is(asymmetry(e.hessian, f.dim), 0);
    }
  });
}

test('circle: the minimum and maximum are where the closed form puts them, with the right curvature', (t) => {
  const y: [number, number] = [2, 1];
  const f = new Circle(y);
  const min = Float64Array.of(Math.atan2(1, 2));
  const max = Float64Array.of(Math.atan2(1, 2) + Math.PI);
  t.true(Math.abs(f.evaluate(min).gradient[0]) < 1e-15);
  t.true(Math.abs(f.evaluate(max).gradient[0]) < 1e-15);
  t.true(Math.abs(f.evaluate2(min).hessian[0] - Math.hypot(...y)) < 1e-14);
  t.true(Math.abs(f.evaluate2(max).hessian[0] + Math.hypot(...y)) < 1e-14);
  t.is(f.identify(min), 'minimum');
  t.is(f.identify(Float64Array.of(max[0] - 2 * Math.PI)), 'maximum');
  t.is(f.identify(Float64Array.of(0.3)), null);
});

test('torus: exactly 8 stationary points, 2 minima, 2 maxima, 4 saddles, matching the closed form', (t) => {
  const f = new Torus(2, 1, 1.5);
  const points = f.stationaryPoints();
  t.is(points.length, 8);
  const count = (k: string) => points.filter((p) => p.kind === k).length;
  t.deepEqual([count('minimum'), count('maximum'), count('saddle')], [2, 2, 4]);
  for (const p of points) {
    const x = Float64Array.of(...p.theta);
    const e = f.evaluate2(x);
    t.true(norm2(e.gradient) < 1e-14, `${p.name} is stationary`);
    // The closed-form kind agrees with the eigenvalue test.
    t.is(classifyHessian(e.hessian, 2, 1e-9).pointClass, p.kind, p.name);
    t.is(f.identify(x), p.name);
  }
  // Minima are the inner equator on the short axis (distance R − r), maxima the outer equator on the long one (e(R + r)).
  const byKind = (k: string) =>
    points.filter((p) => p.kind === k).map((p) => Math.sqrt(2 * f.value(Float64Array.of(...p.theta))));
  for (const d of byKind('minimum')) t.true(Math.abs(d - 1) < 1e-14);
  for (const d of byKind('maximum')) t.true(Math.abs(d - 4.5) < 1e-14);
});

test('torus: a dense grid finds no stationary point other than the census', (t) => {
  // |∇L| has no zero off the census: sample a fine grid and check that every local minimum of |∇L|²
  // below a small threshold sits within one grid cell of a census point.
  const f = new Torus(2, 1, 1.5);
  const m = 720;
  const h = (2 * Math.PI) / m;
  const g2 = (i: number, j: number) => {
    const g = f.evaluate(Float64Array.of(-Math.PI + i * h, -Math.PI + j * h)).gradient;
    return g[0] * g[0] + g[1] * g[1];
  };
  const census = f.stationaryPoints();
  let found = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const v = g2(i, j);
      if (v > 1e-3) continue;
      if (
        v > g2((i + 1) % m, j) ||
        v > g2((i + m - 1) % m, j) ||
        v > g2(i, (j + 1) % m) ||
        v > g2(i, (j + m - 1) % m)
      )
        continue;
      found++;
      const x = Float64Array.of(-Math.PI + i * h, -Math.PI + j * h);
      const near = census.some((p) => Math.hypot(wrap(x[0] - p.theta[0]), wrap(x[1] - p.theta[1])) < 2 * h);
      t.true(near, `grid minimum of |∇L| at ${x} is not in the census`);
    }
  t.is(found, 8);
});

function wrap(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

test('eigenvalues of the torus Hessian are its diagonal at the census points (the Hessian is diagonal there)', (t) => {
  const f = new Torus(2, 1, 1.5);
  for (const p of f.stationaryPoints()) {
    const h = f.evaluate2(Float64Array.of(...p.theta)).hessian;
    t.true(Math.abs(h[1]) < 1e-14);
    const { values } = eigSym(h, 2);
    t.deepEqual([...values], [Math.min(h[0], h[3]), Math.max(h[0], h[3])]);
  }
});
