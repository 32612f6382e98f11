import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import test from 'ava';
import { Journal } from '../../coordinator/journal.js';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

/** Issue 22, items 9 and 10: damaged stored files and a trials study's export. */

const SPEC = `name: damage\nseed: 4\nproblem: { kind: torus }\noptimizers: [ { kind: newton } ]\nseeds: 300\nrecord: { historyStride: 1 }\n`;

test('a damaged runs segment: every reader exits 2 naming the file, export writes nothing; moved aside, a rerun restores it', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(dir, SPEC);
  const out = join(dir, 'out');
  t.is((await runCli(['run', spec, '--out', out, '--threads', '1'])).code, 0);
  const before = reproducibleRows(out);
  const historyBefore = reproducibleRows(out, 'history');
  const part = join(out, 'runs', readdirSync(join(out, 'runs'))[0]);
  const bytes = readFileSync(part);
  bytes.write('garbage-garbage-garbage', 200, 'latin1');
  writeFileSync(part, bytes);
  for (const args of [
    ['summary', out],
    ['export', out, '--format', 'parquet'],
    ['report', out],
    ['run', spec, '--out', out],
  ]) {
    const r = await runCli(args);
    t.is(r.code, 2, `${args[0]}: ${r.stderr}`);
    t.true(
      r.stderr.includes(`saddlescope: ${part}: not a readable Arrow IPC segment (`),
      `${args[0]}: ${r.stderr}`,
    );
    t.notRegex(r.stderr, /TypeError|\n\s+at /, args[0]);
  }
  t.false(existsSync(join(out, 'export')), 'no partial export');
  t.deepEqual(
    readdirSync(out).filter((f) => f.includes('.tmp-')),
    [],
  );
  renameSync(part, join(dir, 'damaged.arrow'));
  const r = await runCli(['run', spec, '--out', out, '--threads', '1']);
  t.is(r.code, 0, r.stderr);
  // The segment's history part, orphaned by the move, is dropped; its runs are computed again.
  t.deepEqual(reproducibleRows(out), before);
  t.deepEqual(reproducibleRows(out, 'history'), historyBefore);
});

test('a journal record of the wrong shape is reported with its offset and skipped; the rest are kept', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(dir, SPEC);
  const out = join(dir, 'out');
  t.is((await runCli(['run', spec, '--out', out, '--threads', '1'])).code, 0);
  const rows = readTable(out).numRows;
  // Frames and checksums intact, payloads that are no result: what a hand-edited or foreign file holds.
  const j = new Journal(join(out, 'results.journal'));
  j.append({ foo: 1 });
  j.append([{ kind: 'run', row: { config: 'x' } }]);
  j.close();
  const r = await runCli(['run', spec, '--out', out, '--threads', '1']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /journal damaged at byte 0 \(\d+ bytes: a record of the wrong shape \(not a result\)\)/);
  t.regex(
    r.stderr,
    /journal damaged at byte \d+ \(\d+ bytes: a record of the wrong shape \(a block of results holding a run row without its seed\)\)/,
  );
  t.is(readTable(out).numRows, rows);
  const journal = join(out, 'results.journal');
  t.true(!existsSync(journal) || readFileSync(journal).length === 0, 'the journal is emptied once read');
});

test('export of a random-Hessian trials study writes its trials table (DuckDB counts its rows), no runs or history', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(
    dir,
    'name: trials-export\nseed: 9\ntrials: { ensembles: [goe], models: [dense], n: [2, 3], trials: 3000, batch: 1000, method: index }\n',
  );
  const out = join(dir, 'out');
  t.is((await runCli(['run', spec, '--out', out, '--threads', '1'])).code, 0);
  const e = await runCli(['export', out, '--format', 'parquet']);
  t.is(e.code, 0, e.stderr);
  t.deepEqual(readdirSync(join(out, 'export')).sort(), ['trials', 'variants.parquet']);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const q = await db.runAndReadAll(
    `SELECT count(*)::INTEGER AS n, sum(trials)::INTEGER AS s FROM read_parquet('${join(out, 'export', 'trials', '*.parquet')}')`,
  );
  t.deepEqual(q.getRowObjects()[0], { n: readTable(out, 'trials').numRows, s: 6000 });
  t.is(readTable(out, 'trials').numRows, 6);
});
