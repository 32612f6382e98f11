import { join } from 'node:path';
import test from 'ava';
import { StoredResults } from '../../coordinator/store/read.js';
import { SUMMARY_COLUMNS, summarize } from '../../coordinator/summary.js';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';

const STUDIES = {
  torus: [
    'name: summary-torus',
    'seed: 8',
    'problem: { kind: torus }',
    'optimizers: [ { kind: newton }, { kind: bfgs }, { kind: newton, alpha: 3 } ]',
    'sweep: { e: [1.5, 0.8] }',
    'seeds: 60',
    'stop: { maxIter: 30, blowup: 3 }',
  ],
  network: [
    'name: summary-network',
    'seed: 5',
    'problem: { kind: mlp-regression, width: 3, depth: 2, activation: tanh, target: { kind: sin, k: 1 }, points: 16 }',
    'optimizers: [ { kind: newton, lambda: 1.0e-3 }, { kind: adam, lr: 0.05 } ]',
    'seeds: 8',
    'stop: { gradTol: 1.0e-8, maxIter: 40 }',
  ],
};

for (const [name, lines] of Object.entries(STUDIES))
  test(`summary of only its columns equals the summary of whole rows: ${name}`, async (t) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await runCli(['run', writeSpec(dir, lines), '--out', out, '--threads', '2']);
    t.is(r.code, 0, r.stderr);
    const stored = new StoredResults(out);
    const whole = summarize(stored.runs());
    const projected = summarize(stored.runColumns(SUMMARY_COLUMNS));
    t.deepEqual(projected, whole);
    t.true(whole.length >= 2);
    const statuses = new Set(
      whole.flatMap((g) =>
        Object.entries(g.status)
          .filter(([, p]) => p.count > 0)
          .map(([s]) => s),
      ),
    );
    t.true(statuses.size >= 2, `statuses met: ${[...statuses]}`);
  });
