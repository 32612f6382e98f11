import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import test from 'ava';
import { REPO, runCli, slowTorusSpec, startRunUntilJournal, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

const spec = `
name: plan-test
seed: 11
problem: { kind: torus }
optimizers: [ { kind: newton, lambda: 1.0e-3 }, { kind: newton, lambda: 1.0e-2 }, { kind: bfgs } ]
seeds: 5
stop: { gradTol: 1.0e-10, maxIter: 100 }
`;

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

test('--version prints the package version', async (t) => {
  const r = await runCli(['--version']);
  t.is(r.code, 0);
  t.is(r.stdout.trim(), pkg.version);
});

test('validate prints the plan size and its variants and writes nothing; overrides change them', async (t) => {
  const dir = tempDir();
  const p = writeSpec(dir, spec);
  const r = await runCli(['validate', p]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /study plan-test: valid; 15 tasks/);
  t.regex(
    r.stdout,
    /3 optimizer configuration\(s\):\n {2}newton λ=1e-3: .*\(5 tasks\)\n {2}newton λ=1e-2: .*\(5 tasks\)\n {2}bfgs/,
  );
  t.regex(r.stdout, /5 seed\(s\); stop at ‖∇L‖ < 1e-10 or 100 iterations/);
  const o = await runCli(['validate', p, 'stop.maxIter=50', 'optimizers[0].lambda=1e-4', 'seeds=[0,1]']);
  t.is(o.code, 0, o.stderr);
  t.regex(o.stdout, /valid; 6 tasks/);
  t.regex(o.stdout, /newton λ=1e-4/);
  t.regex(o.stdout, /or 50 iterations/);
  t.deepEqual(readdirSync(dir), ['spec.yaml']);
});

test('a bad override exits 2 naming its path, on validate, plan and run, and writes nothing', async (t) => {
  const dir = tempDir();
  const p = writeSpec(dir, spec);
  const out = join(dir, 'out');
  const cases: Array<[string, RegExp]> = [
    ['stop.maxIter=-3', /stop\.maxIter: must be >= 0/],
    ['optimizers[0].lambda=-1', /optimizers\[0\]\.lambda: must be >= 0/],
    ['optimizers[7].lambda=1', /optimizers\[7\]: no such entry \(the list has 3\)/],
    ['stop.maxIterations=3', /stop\.maxIterations: unknown key/],
    ['stop.maxIter', /override 'stop\.maxIter': expected key=value/],
    ['problem.R=[1', /override 'problem\.R=\[1': the value is not valid YAML/],
  ];
  for (const [override, message] of cases)
    for (const cmd of [
      ['validate', p],
      ['plan', p],
      ['run', p, '--out', out],
    ]) {
      const r = await runCli([...cmd, override]);
      t.is(r.code, 2, `${cmd[0]} ${override}: ${r.stderr}`);
      t.regex(r.stderr, message, `${cmd[0]} ${override}`);
      t.false(existsSync(out), `${cmd[0]} ${override} wrote ${out}`);
    }
});

test('plan lists the task ids a run writes; run records overrides and provenance in study.json', async (t) => {
  const dir = tempDir();
  const p = writeSpec(dir, spec);
  const out = join(dir, 'out');
  const plan = await runCli(['plan', p, 'stop.maxIter=40', '--json']);
  t.is(plan.code, 0, plan.stderr);
  const entries = plan.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.is(entries.length, 15);
  t.deepEqual(
    entries.map((e) => e.index),
    entries.map((_, i) => i),
  );
  const text = await runCli(['plan', p, 'stop.maxIter=40']);
  t.is(text.stdout.trim().split('\n').length, 15);
  t.regex(text.stdout, new RegExp(`^${entries[1].id} {2}torus / newton λ=1e-2 / seed 0$`, 'm'));
  const r = await runCli(['run', p, 'stop.maxIter=40', '--out', out, '--threads', '1']);
  t.is(r.code, 0, r.stderr);
  const ids = readTable(out).getChild('task_id')!.toArray() as string[];
  t.deepEqual([...ids].sort(), entries.map((e) => e.id).sort());
  const manifest = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
  t.is(manifest.spec.stop.maxIter, 40);
  t.is(manifest.versions.overrides, 'stop.maxIter=40');
  t.regex(manifest.versions.command, /run .*spec\.yaml stop\.maxIter=40 --out/);
  t.is(manifest.versions.saddlescope, pkg.version);
  const arrow = JSON.parse(readFileSync(join(REPO, 'node_modules', 'apache-arrow', 'package.json'), 'utf8'));
  t.is(manifest.versions['apache-arrow'], arrow.version);
  t.regex(manifest.versions.git, /^[0-9a-f]{40}(\+dirty)?$/, 'run from a checkout: its commit');
  // The same spec without the override is another plan: refused, nothing overwritten.
  const other = await runCli(['run', p, '--out', out]);
  t.is(other.code, 2);
  t.regex(other.stderr, /with another plan/);
});

test('schema prints the JSON Schema of a spec, equal to the committed studies/spec.schema.json', async (t) => {
  const r = await runCli(['schema']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, readFileSync(join(REPO, 'studies', 'spec.schema.json'), 'utf8'));
  const s = JSON.parse(r.stdout);
  t.is(s.type, 'object');
  t.false(s.additionalProperties);
  for (const k of ['name', 'seed', 'problem', 'optimizers', 'seeds', 'stop', 'record', 'trials'])
    t.truthy(s.properties[k], k);
  t.deepEqual(s.required, ['name', 'seed']);
  // The optimizer entries carry their parameters with bounds (newton's λ ≥ 0).
  const newton =
    s.properties.optimizers.items.oneOf?.find(
      (o: { properties: { kind: { const: string } } }) => o.properties.kind.const === 'newton',
    ) ?? JSON.stringify(s.properties.optimizers).includes('"newton"');
  t.truthy(newton);
});

test('--log-format json: progress lines carry done, total, rate and counts as fields', async (t) => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const r = await runCli([
    'run',
    writeSpec(dir, spec),
    '--out',
    out,
    '--threads',
    '1',
    '--log-format',
    'json',
  ]);
  t.is(r.code, 0, r.stderr);
  const lines = r.stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const progress = lines.filter((l) => l.progress).map((l) => l.progress);
  t.true(progress.length >= 1);
  const last = progress[progress.length - 1];
  t.is(last.done, 15);
  t.is(last.total, 15);
  t.is(last.percent, 100);
  t.true(typeof last.rate === 'number' && last.rate > 0);
  t.is(
    Object.values(last.counts as Record<string, number>).reduce((a, b) => a + b, 0),
    15,
  );
  const runs = readTable(out)
    .toArray()
    .map((x) => x.toJSON());
  t.is(last.counts.minimum ?? 0, runs.filter((x) => x.point_class === 'minimum').length);
});

test('Ctrl-C twice: the second stops at once (exit 130) and says how to resume; the rerun completes', async (t) => {
  const dir = tempDir();
  const p = slowTorusSpec(dir, 'int2-test', 4, 300);
  const out = join(dir, 'out');
  // The handler is installed before the out dir is: a journal means Ctrl-C is ours to handle. On a
  // loaded machine startup alone can take tens of seconds.
  const { child, done, journal } = await startRunUntilJournal(p, out, 1, { ms: 240_000 });
  t.true(existsSync(journal), 'the run started');
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGINT');
  const r = await done;
  t.is(r.code, 130, r.stderr);
  t.regex(
    r.stderr,
    /interrupted: stopping after the tasks in flight \(\d+\) finish .*Ctrl-C again to stop at once; resume with: saddlescope run /,
  );
  t.regex(r.stderr, /stopping at once: .*resume with: saddlescope run \S*spec\.yaml --out \S+ --threads 1/);
  const resumed = await runCli(['run', p, '--out', out, '--threads', '2']);
  t.is(resumed.code, 0, resumed.stderr);
  t.is(new Set(readTable(out).getChild('task_id')!.toArray() as string[]).size, 300);
});

test('compare: two studies side by side on the same keys, counts equal a recount, differences and a figure', async (t) => {
  const dir = tempDir();
  const [a, b] = [join(dir, 'a'), join(dir, 'b')];
  const p = writeSpec(dir, spec);
  t.is((await runCli(['run', p, '--out', a, '--threads', '1'])).code, 0);
  t.is((await runCli(['run', p, 'seed=12', 'name=plan-test-b', '--out', b, '--threads', '1'])).code, 0);
  const r = await runCli(['compare', a, b, '--json']);
  t.is(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  t.deepEqual(
    c.studies.map((s: { name: string }) => s.name),
    ['plan-test', 'plan-test-b'],
  );
  t.deepEqual(
    c.rows.map((x: { label: string }) => x.label),
    ['newton λ=1e-3', 'newton λ=1e-2', 'bfgs'],
  );
  const rowsOf = (d: string) => {
    const variants = new Map(
      readTable(d, 'variants')
        .toArray()
        .map((v) => [v.config as string, v.optimizer_params as string]),
    );
    return readTable(d)
      .toArray()
      .map((x) => ({ ...x.toJSON(), optimizer_params: variants.get(x.config as string) }));
  };
  const [ra, rb] = [rowsOf(a), rowsOf(b)];
  for (const row of c.rows) {
    const lambda = JSON.parse(row.optimizer_params).lambda;
    const mine = (rows: Record<string, unknown>[]) =>
      rows.filter(
        (x) => x.optimizer === row.optimizer && JSON.parse(x.optimizer_params as string).lambda === lambda,
      );
    for (const [i, rows] of [ra, rb].entries()) {
      const m = mine(rows);
      t.is(row.studies[i].runs, m.length);
      t.is(row.studies[i].outcomes.minimum?.count ?? 0, m.filter((x) => x.point_class === 'minimum').length);
    }
    const d = row.differences.minimum[0];
    const fa = row.studies[0].outcomes.minimum.fraction;
    const fb = row.studies[1].outcomes.minimum.fraction;
    t.true(Math.abs(d.difference - (fb - fa)) < 1e-12);
    t.true(d.lo <= d.difference && d.difference <= d.hi);
    t.true(d.p >= 0 && d.p <= 1);
  }
  const fig = join(dir, 'fig');
  const text = await runCli(['compare', a, b, '--figure', fig]);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /B − A \[95% Newcombe\]/);
  t.deepEqual([...readFileSync(join(fig, 'compare.png')).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const one = await runCli(['compare', a]);
  t.is(one.code, 2);
});

test("README's DuckDB query runs on the Parquet export and counts what the Arrow table holds", async (t) => {
  const dir = tempDir();
  const out = join(dir, 'out');
  t.is((await runCli(['run', writeSpec(dir, spec), '--out', out, '--threads', '1'])).code, 0);
  t.is((await runCli(['export', out, '--format', 'parquet'])).code, 0);
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const sql = /```sql\n(SELECT v\.optimizer, v\.optimizer_params, count\(\*\) FILTER[\s\S]*?)```/.exec(
    readme,
  )![1];
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const got = (await db.runAndReadAll(sql.replaceAll('out/torus', out))).getRowObjects();
  const params = new Map(
    readTable(out, 'variants')
      .toArray()
      .map((v) => [v.config as string, v.optimizer_params as string]),
  );
  const runs = readTable(out)
    .toArray()
    .map((x) => ({ ...x.toJSON(), optimizer_params: params.get(x.config as string) }));
  for (const g of got) {
    const mine = runs.filter((x) => x.optimizer === g.optimizer && x.optimizer_params === g.optimizer_params);
    t.is(Number(g.runs), mine.length);
    t.is(Number(g.trivial), mine.filter((x) => x.trivial).length);
  }
  t.deepEqual(got.map((g) => g.optimizer).sort(), ['bfgs', 'newton', 'newton']);
});
