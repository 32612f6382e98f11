/**
 * A study with f64 and tfjs runs through the local transport (the CLI as a child process): every
 * task one row; the tfjs tasks batched on the one tfjs thread, the backend logged and stored.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli, tempDir } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

const SPEC = `
name: engines-local
seed: 4
problem: { kind: mlp-regression, width: 5, points: 24, domain: [-1, 0.6] }
optimizers: [ { kind: adam, lr: 0.02 }, { kind: adam, lr: 0.02, engine: tfjs }, { kind: gd, step: 0.05, stepRule: fixed, engine: tfjs } ]
seeds: 5
stop: { maxIter: 25 }
`;

test('f64 and tfjs tasks of one study: one row each, tfjs rows from the tfjs thread, matching f64', async (t) => {
  const dir = tempDir();
  const spec = join(dir, 'spec.yaml');
  writeFileSync(spec, SPEC);
  const out = join(dir, 'out');
  const r = await runCli(['run', spec, '--out', out, '--threads', '1']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /tfjs engine: backend tfjs-cpu \(one tfjs thread\)/);
  const rows = readTable(out, 'runs')
    .toArray()
    .map((x) => x.toJSON() as Record<string, unknown>);
  t.is(rows.length, 15);
  t.is(new Set(rows.map((x) => x.task_id)).size, 15);
  const tfjs = rows.filter((x) => x.engine === 'tfjs');
  const f64 = rows.filter((x) => x.engine === 'f64');
  t.is(tfjs.length, 10);
  t.true(tfjs.every((x) => x.backend === 'tfjs-cpu' && x.status === 'max_iter'));
  t.true(f64.every((x) => x.backend === null));
  // One tfjs thread ran them all, and not one of the f64 pool's threads.
  const tfjsWorkers = new Set(tfjs.map((x) => x.worker));
  t.is(tfjsWorkers.size, 1);
  t.false(f64.some((x) => tfjsWorkers.has(x.worker)));
  for (const a of f64) {
    const b = tfjs.find((x) => x.seed === a.seed && x.optimizer === 'adam')!;
    t.true(Math.abs((b.loss as number) - (a.loss as number)) < 1e-5 * (a.loss as number), `seed ${a.seed}`);
  }
  // replay reruns a tfjs row on the tfjs engine (not the f64 path), alone, and says how far it moved.
  const one = tfjs.find((x) => x.optimizer === 'adam')!;
  const rep = await runCli(['replay', out, (one.task_id as string).slice(0, 10)]);
  t.is(rep.code, 0, rep.stderr);
  t.regex(rep.stdout, /tfjs row, replayed alone on tfjs-cpu: (reproduced bit for bit|columns that moved)/);
  const moved = [...rep.stdout.matchAll(/\b(loss|grad_norm) (\d\.\de[-+]\d+)/g)];
  for (const [, col, rel] of moved) t.true(Number(rel) < 1e-5, `${col} moved by ${rel}`);
});
