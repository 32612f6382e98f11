import test from 'ava';
import { classifyHessian } from '../../shared/analysis/classify.js';
import { norm2 } from '../../shared/linalg/vector.js';
import { makeOptimizer, minimize, type OptimizerSpec } from '../../shared/optimizers/mod.js';
import { Circle } from '../../shared/problems/circle.js';
import { Torus } from '../../shared/problems/torus.js';
import { Stream } from '../../shared/rng/stream.js';
import { Quadratic, Rosenbrock, Throwing } from '../helpers/objectives.js';

const spd = new Quadratic(Float64Array.of(4, 1, 0, 1, 3, 0.5, 0, 0.5, 2), Float64Array.of(1, -2, 0.5));
const stop = { gradTol: 1e-9, maxIter: 20000, blowup: 1e12 };

const ALL: OptimizerSpec[] = [
  { kind: 'newton', alpha: 1, lambda: 0 },
  { kind: 'newton', alpha: 0.5, lambda: 1e-3 },
  { kind: 'saddle-free-newton', alpha: 1, lambda: 0, floor: 1e-8, backtracking: true },
  { kind: 'bfgs' },
  { kind: 'l-bfgs', memory: 5 },
  { kind: 'gd', step: 1e-2 },
  { kind: 'adam', lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-12 },
];

for (const spec of ALL) {
  test(`${JSON.stringify(spec)} converges to the minimum of a convex quadratic`, (t) => {
    const rng = new Stream('opt-test', spec.kind);
    for (let k = 0; k < 5; k++) {
      const sol = minimize(makeOptimizer(spec), spd, spd.initial(rng), stop);
      t.is(sol.status, 'converged', sol.message);
      for (let i = 0; i < 3; i++) t.true(Math.abs(sol.last.x[i] - spd.c[i]) < 1e-7);
    }
  });
}

test('pure Newton solves a quadratic in one step; damping slows it down', (t) => {
  const x0 = Float64Array.of(3, 3, 3);
  t.is(minimize(makeOptimizer({ kind: 'newton', alpha: 1, lambda: 0 }), spd, x0, stop).iterations, 1);
  t.true(minimize(makeOptimizer({ kind: 'newton', alpha: 1, lambda: 0.5 }), spd, x0, stop).iterations > 5);
});

for (const spec of [ALL[3], ALL[4], ALL[2]]) {
  test(`${spec.kind} solves Rosenbrock from seeded starts`, (t) => {
    const f = new Rosenbrock();
    const rng = new Stream('rosenbrock', spec.kind);
    for (let k = 0; k < 5; k++) {
      const sol = minimize(makeOptimizer(spec), f, f.initial(rng), stop);
      t.is(sol.status, 'converged', sol.message);
      t.true(Math.abs(sol.last.x[0] - 1) < 1e-6 && Math.abs(sol.last.x[1] - 1) < 1e-6);
    }
  });
}

test('Newton finds whichever stationary point is near: the circle maximum from near it', (t) => {
  const f = new Circle([2, 1]);
  const sol = minimize(
    makeOptimizer({ kind: 'newton', alpha: 1, lambda: 0 }),
    f,
    Float64Array.of(Math.atan2(1, 2) + Math.PI + 0.3),
    stop,
  );
  t.is(sol.status, 'converged');
  t.is(f.identify(sol.last.x), 'maximum');
});

test('Newton converges to a torus saddle from near it; BFGS and saddle-free Newton leave it for a minimum', (t) => {
  const f = new Torus(2, 1, 1.5);
  const saddle = f.stationaryPoints().find((p) => p.kind === 'saddle')!;
  const x0 = Float64Array.of(saddle.theta[0] + 0.05, saddle.theta[1] - 0.04);
  const newton = minimize(makeOptimizer({ kind: 'newton', alpha: 1, lambda: 0 }), f, x0, stop);
  t.is(f.identify(newton.last.x), saddle.name);
  for (const spec of [ALL[2], ALL[3], ALL[4]]) {
    const sol = minimize(makeOptimizer(spec), f, x0, stop);
    t.is(sol.status, 'converged', spec.kind);
    t.is(classifyHessian(f.evaluate2(sol.last.x).hessian, 2, 1e-9).pointClass, 'minimum', spec.kind);
  }
});

test('BFGS and saddle-free Newton end only at torus minima from 200 uniform starts', (t) => {
  const f = new Torus(2, 1, 1.5);
  const rng = new Stream('torus-starts');
  for (let k = 0; k < 200; k++) {
    const x0 = f.initial(rng);
    for (const spec of [ALL[2], ALL[3]]) {
      const sol = minimize(makeOptimizer(spec), f, x0, stop);
      t.is(sol.status, 'converged');
      t.true(
        f.identify(sol.last.x)?.startsWith('minimum') ?? false,
        `${spec.kind} from ${x0} ended at ${sol.last.x}`,
      );
    }
  }
});

test('statuses are data: max_iter, diverged, error — never a throw', (t) => {
  const capped = minimize(
    makeOptimizer({ kind: 'adam', lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 }),
    spd,
    Float64Array.of(3, 3, 3),
    { ...stop, maxIter: 3 },
  );
  t.is(capped.status, 'max_iter');
  t.is(capped.iterations, 3);
  // A concave quadratic: the curvature step is undefined, the fixed step walks off to the blow-up limit.
  const concave = new Quadratic(Float64Array.of(-1, 0, 0, -2), Float64Array.of(0, 0));
  const up = minimize(makeOptimizer({ kind: 'gd', step: 10 }), concave, Float64Array.of(1, 1), {
    ...stop,
    blowup: 1e6,
  });
  t.is(up.status, 'diverged');
  t.regex(up.message, /exceeded/);
  const singular = new Quadratic(Float64Array.of(1, 0, 0, 0), Float64Array.of(0, 0));
  const s = minimize(
    makeOptimizer({ kind: 'newton', alpha: 1, lambda: 0 }),
    singular,
    Float64Array.of(1, 1),
    stop,
  );
  t.is(s.status, 'error');
  t.regex(s.message, /singular/);
  const boom = minimize(makeOptimizer({ kind: 'bfgs' }), new Throwing(), Float64Array.of(0, 0), stop);
  t.is(boom.status, 'error');
  t.regex(boom.message, /boom/);
});

test('the gradient tolerance is checked before the first step', (t) => {
  const sol = minimize(makeOptimizer({ kind: 'bfgs' }), spd, Float64Array.from(spd.c), stop);
  t.is(sol.status, 'converged');
  t.is(sol.iterations, 0);
  t.is(norm2(sol.last.gradient), 0);
});
