import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { arrowSchema } from '../../shared/tables/arrow-schema.js';
import { STORED_TRIAL_COLUMNS } from '../../shared/tables/stored-columns.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

const spec = `
name: trials-test
seed: 9
trials: { ensembles: [paper, goe], models: [dense, tridiagonal], n: [2, 3], trials: 6000, batch: 2500, method: index }
`;

test('a hessian-trials study: batches as rows, exact sums, same rows with 1 and 2 threads, replay', async (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'spec.yaml'), spec);
  const outs = [join(dir, 'one'), join(dir, 'two')];
  for (const [i, out] of outs.entries()) {
    const r = await runCli(['run', join(dir, 'spec.yaml'), '--out', out, '--threads', String(i + 1)]);
    t.is(r.code, 0, r.stderr);
  }
  const tables = outs.map((o) => readTable(o, 'trials'));
  t.deepEqual(
    tables[0].schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`),
    arrowSchema(STORED_TRIAL_COLUMNS).fields.map((f) => `${f.name}:${f.type}:${f.nullable}`),
  );
  // 3 points (paper dense, goe dense, goe tridiagonal) × 2 sizes × 3 batches (2500 + 2500 + 1000).
  t.is(tables[0].numRows, 18);
  const strip = (tab: (typeof tables)[0]) =>
    tab
      .toArray()
      .map((r) => {
        const o = r.toJSON() as Record<string, unknown>;
        delete o.wall_ms;
        delete o.worker;
        o.index_histogram = Array.from(o.index_histogram as ArrayLike<number>);
        return o;
      })
      .sort((a, b) => String(a.task_id).localeCompare(String(b.task_id)));
  t.deepEqual(strip(tables[0]), strip(tables[1]));
  for (const r of tables[0].toArray()) {
    t.is(r.positive_definite + r.negative_definite + r.indefinite + r.singular, r.trials);
    t.is(
      (Array.from(r.index_histogram) as number[]).reduce((a, b) => a + b, 0),
      r.trials,
    );
  }
  const s = await runCli(['summary', outs[0], '--json']);
  const json = JSON.parse(s.stdout);
  t.is(json.trials.length, 6);
  const goe2 = json.trials.find(
    (p: { ensemble: string; model: string; n: number }) =>
      p.ensemble === 'goe' && p.model === 'dense' && p.n === 2,
  );
  t.is(goe2.trials, 6000);
  const rows = tables[0].toArray().filter((r) => r.ensemble === 'goe' && r.model === 'dense' && r.n === 2);
  t.is(
    goe2.positiveDefinite,
    rows.reduce((a, r) => a + r.positive_definite, 0),
  );
  // GOE, n = 2: P(definite) = 2 (2 − √2)/4 ≈ 0.293; the 95% interval of 6000 trials must cover it.
  const [lo, hi] = goe2.definite.wilson;
  t.true(lo < (2 - Math.SQRT2) / 2 && (2 - Math.SQRT2) / 2 < hi, `[${lo}, ${hi}]`);
  const rep = await runCli(['replay', outs[0], String(rows[0].task_id)]);
  t.is(rep.code, 0, rep.stdout + rep.stderr);
  t.regex(rep.stdout, /reproduced bit for bit/);
});

test('a trials study refuses optimizer fields, and tridiagonal without goe', async (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.yaml'), `${spec}seeds: 3\n`);
  const a = await runCli(['run', join(dir, 'a.yaml'), '--out', join(dir, 'o')]);
  t.is(a.code, 2);
  t.regex(a.stderr, /seeds: not allowed in a study with `trials`/);
  writeFileSync(join(dir, 'b.yaml'), spec.replace('ensembles: [paper, goe]', 'ensembles: [paper]'));
  const b = await runCli(['run', join(dir, 'b.yaml'), '--out', join(dir, 'o')]);
  t.is(b.code, 2);
  t.regex(b.stderr, /trials\.models: model 'tridiagonal' is the Dumitriu–Edelman model of the GOE/);
});
