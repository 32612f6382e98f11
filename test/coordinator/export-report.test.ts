import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import test from 'ava';
import { runCli, tempDir } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

const spec = `
name: report-test
seed: 5
problem: { kind: torus }
optimizers: [ { kind: newton }, { kind: bfgs } ]
seeds: 40
stop: { gradTol: 1.0e-10, maxIter: 100 }
record: { historyStride: 1, eigenvalues: true }
`;

async function study() {
  const dir = tempDir();
  writeFileSync(join(dir, 'spec.yaml'), spec);
  const out = join(dir, 'out');
  const r = await runCli(['run', join(dir, 'spec.yaml'), '--out', out, '--threads', '1']);
  if (r.code !== 0) throw new Error(r.stderr);
  return out;
}

const arrowRows = (out: string, name: string) =>
  readTable(out, name)
    .toArray()
    .map((r) => r.toJSON());

test('export: Parquet files read by DuckDB match the Arrow tables (rows, types, an aggregate)', async (t) => {
  const out = await study();
  const r = await runCli(['export', out, '--format', 'parquet']);
  t.is(r.code, 0, r.stderr);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const runs = join(out, 'export', 'runs', '*.parquet');
  const count = await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${runs}')`);
  t.is(count.getRowObjects()[0].n, 80);
  const types = await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${runs}')`);
  const typeOf = Object.fromEntries(types.getRowObjects().map((o) => [o.column_name, o.column_type]));
  t.is(typeOf.loss, 'DOUBLE');
  t.is(typeOf.iterations, 'INTEGER');
  t.is(typeOf.trivial, 'BOOLEAN');
  t.is(typeOf.final_params, 'DOUBLE[]');
  t.is(typeOf.task_id, 'VARCHAR');
  const agg = await db.runAndReadAll(
    `SELECT optimizer, count(*)::INTEGER AS n, sum(loss) AS s FROM read_parquet('${runs}') WHERE point_class = 'saddle' GROUP BY optimizer ORDER BY optimizer`,
  );
  const rows = arrowRows(out, 'runs');
  for (const g of agg.getRowObjects()) {
    const mine = rows.filter((x) => x.optimizer === g.optimizer && x.point_class === 'saddle');
    t.is(g.n, mine.length);
    t.true(Math.abs((g.s as number) - mine.reduce((s, x) => s + x.loss, 0)) < 1e-9);
  }
  const hist = await db.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM read_parquet('${join(out, 'export', 'history', '*.parquet')}')`,
  );
  t.is(hist.getRowObjects()[0].n, arrowRows(out, 'history').length);
  const csv = await runCli(['export', out, '--format', 'csv']);
  t.is(csv.code, 0, csv.stderr);
  const csvCount = await db.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM read_csv('${join(out, 'export', 'runs.csv')}')`,
  );
  t.is(csvCount.getRowObjects()[0].n, 80);
  // The settings rows share are in the variants table: joined on config, every run has one.
  const joined = await db.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM read_parquet('${runs}') r JOIN read_parquet('${join(out, 'export', 'variants.parquet')}') v USING (config)`,
  );
  t.is(joined.getRowObjects()[0].n, 80);
});

test('report: every file exists, the HTML shows every figure, the summary equals a recount', async (t) => {
  const out = await study();
  const r = await runCli(['report', out]);
  t.is(r.code, 0, r.stderr);
  const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
  const md = readFileSync(join(out, 'report', 'summary.md'), 'utf8');
  const figures = [...md.matchAll(/!\[[^\]]*\]\(figures\/([\w-]+)\.png\)/g)].map((m) => m[1]);
  t.true(figures.length >= 4, `figures: ${figures}`);
  for (const id of ['outcomes-1', 'spectrum-1', 'traces-1', 'basins-1', 'landscape-1'])
    t.true(figures.includes(id), id);
  for (const id of figures) {
    for (const ext of ['svg', 'png'])
      t.true(existsSync(join(out, 'report', 'figures', `${id}.${ext}`)), `${id}.${ext}`);
    t.true(html.includes(`src="figures/${id}.svg"`), `index.html shows ${id}`);
    t.true(readFileSync(join(out, 'report', 'figures', `${id}.svg`), 'utf8').startsWith('<svg'));
  }
  t.regex(md, /Study report-test \(seed 5\), 80 runs/);
  // The summary table's counts equal a recount from the Arrow table.
  const rows = arrowRows(out, 'runs');
  for (const opt of ['newton', 'bfgs']) {
    const line = md.split('\n').find((l) => l.includes(`| ${opt} `))!;
    const cells = line.split('|').map((c) => c.trim());
    const conv = rows.filter((x) => x.optimizer === opt && x.status === 'converged');
    t.true(cells[4].startsWith(`${conv.length} (`), line);
    t.true(cells[5].startsWith(`${conv.filter((x) => x.point_class === 'minimum').length} (`), line);
    t.true(cells[6].startsWith(`${conv.filter((x) => x.point_class === 'saddle').length} (`), line);
    t.true(cells[7].startsWith(`${conv.filter((x) => x.point_class === 'maximum').length} (`), line);
  }
});
