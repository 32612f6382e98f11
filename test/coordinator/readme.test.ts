import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { markdownTable } from '../../shared/study/columns.js';
import { HISTORY_COLUMNS, RUN_COLUMNS } from '../../shared/study/runs-columns.js';
import { TRIAL_COLUMNS } from '../../shared/study/trials-columns.js';
import { REPO } from '../helpers/cli.js';

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

test('README documents every column of the runs, history and trials tables with its type', (t) => {
  for (const [table, cols] of [
    ['runs', RUN_COLUMNS],
    ['history', HISTORY_COLUMNS],
  ] as const) {
    const section = readme.slice(readme.indexOf(`#### \`${table}\``));
    for (const c of cols)
      t.true(section.includes(`| \`${c.name}\` | ${c.type} |`), `${table}.${c.name} is not documented`);
  }
});

test('README’s column tables are the tables’ schemas, row for row (shared/study/*-columns.ts)', (t) => {
  for (const [table, cols] of [
    ['runs', RUN_COLUMNS],
    ['history', HISTORY_COLUMNS],
    ['trials', TRIAL_COLUMNS],
  ] as const) {
    const section = readme.slice(readme.indexOf(`#### \`${table}\``));
    const want = markdownTable(cols);
    t.true(section.includes(`\n\n${want}\n`), `README's ${table} table is not:\n${want}`);
  }
});

test('README starts with the two quick-start commands', (t) => {
  t.regex(readme, /npm ci && npx saddlescope run studies\/torus\.yaml/);
  t.regex(readme, /^npm test\b/m);
});

test('the CLI the quick start runs is executable (npx runs the bin file directly)', (t) => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const mode = statSync(join(REPO, pkg.bin.saddlescope)).mode;
  t.true((mode & 0o111) === 0o111, `${pkg.bin.saddlescope} has mode ${(mode & 0o777).toString(8)}`);
});
