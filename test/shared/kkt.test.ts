import test from 'ava';
import { classifyHessian } from '../../shared/analysis/classify.js';
import { norm2 } from '../../shared/linalg/vector.js';
import { makeOptimizer, minimize } from '../../shared/optimizers/mod.js';
import { circleKktKind, torusKktKind } from '../../shared/problems/implicit.js';
import { Torus } from '../../shared/problems/torus.js';
import { Stream } from '../../shared/rng/stream.js';
import { centralGradient, centralHessian, relativeError } from '../helpers/derivatives.js';

const torusKkt = torusKktKind.create({ kind: 'torus-kkt', R: 2, r: 1, e: 1.5 }, new Stream('p'));
const circleKkt = circleKktKind.create({ kind: 'circle-kkt', target: [2, 1] }, new Stream('p'));

for (const [name, f] of [
  ['torus-kkt', torusKkt],
  ['circle-kkt', circleKkt],
] as const) {
  test(`${name}: KKT residual and matrix match central differences of the Lagrangian`, (t) => {
    const rng = new Stream('kkt-derivatives', name);
    for (let k = 0; k < 20; k++) {
      const z = f.initial(rng);
      z[z.length - 1] += rng.normal();
      const e = f.evaluate2(z);
      t.true(relativeError(e.gradient, centralGradient(f, z)) < 1e-8);
      t.true(relativeError(e.hessian, centralHessian(f, z)) < 1e-7);
    }
  });
}

test('torus-kkt: every census point is a KKT point whose projected Hessian has the census kind', (t) => {
  const param = new Torus(2, 1, 1.5);
  for (const p of param.stationaryPoints()) {
    const [t1, t2] = p.theta;
    const rho = 2 + Math.cos(t2);
    const x = Float64Array.of(rho * Math.cos(t1), 1.5 * rho * Math.sin(t1), Math.sin(t2));
    // μ from stationarity in x: x + μ∇g = 0 along ∇g.
    // At μ = 1 the x-part of the KKT residual is x + ∇g, which gives ∇g.
    const z = Float64Array.of(...x, 1);
    const gg = torusKkt.evaluate(z).gradient;
    const gradG = Float64Array.from(gg.subarray(0, 3), (v, i) => v - x[i]);
    z[3] = -(x[0] * gradG[0] + x[1] * gradG[1] + x[2] * gradG[2]) / norm2(gradG) ** 2;
    const e = torusKkt.evaluate(z);
    t.true(norm2(e.gradient) < 1e-12, `${p.name} is a KKT point`);
    const red = torusKkt.reducedHessian!(z);
    t.is(classifyHessian(red.matrix, red.n, 1e-9).pointClass, p.kind, p.name);
    t.is(torusKkt.identify!(z), p.name);
  }
});

test('Newton on the KKT system from the parametric starts ends at census points, classified like the census', (t) => {
  const rng = new Stream('kkt-newton');
  const seen = new Set<string>();
  for (let k = 0; k < 300; k++) {
    const sol = minimize(
      makeOptimizer({ kind: 'newton', alpha: 1, lambda: 0 }),
      torusKkt,
      torusKkt.initial(rng),
      {
        gradTol: 1e-10,
        maxIter: 100,
        blowup: 1e12,
      },
    );
    if (sol.status !== 'converged') continue;
    const name = torusKkt.identify!(sol.last.x);
    t.truthy(name, `converged off the census at ${sol.last.x}`);
    const red = torusKkt.reducedHessian!(sol.last.x);
    t.true(name!.startsWith(classifyHessian(red.matrix, red.n, 1e-9).pointClass));
    seen.add(name!);
  }
  t.is(seen.size, 8);
});
