import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { openInChromium } from '../helpers/chromium.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

// Two configurations of one optimizer (newton λ = 1e-3 and 1e-2) beside BFGS and ADAM, whose runs
// stop at uneven iterations (Newton in a few, ADAM at its cap): every figure's numbers are
// recounted here from the Arrow tables, with no code of the report.
const spec = (seeds: number) => `
name: report-figures
seed: 7
problem: { kind: torus }
optimizers:
  - { kind: newton, lambda: 1.0e-3 }
  - { kind: newton, lambda: 1.0e-2 }
  - { kind: bfgs }
  - { kind: adam, lr: 0.05 }
seeds: ${seeds}
stop: { gradTol: 1.0e-10, maxIter: 150 }
record: { historyStride: 1, eigenvalues: true }
`;

type Row = Record<string, unknown> & {
  task_id: string;
  optimizer: string;
  optimizer_params: string;
  status: string;
  point_class: string | null;
  iterations: number;
  eigenvalues: Float64Array | null;
  n_zero: number | null;
};

/** A table's rows, read with apache-arrow alone, joined with variants.arrow on `config`. */
function table(out: string, name: string): Row[] {
  const variants = new Map(
    readTable(out, 'variants')
      .toArray()
      .map((v) => [v.config as string, v.toJSON() as Record<string, unknown>]),
  );
  return readTable(out, name)
    .toArray()
    .map((r) => {
      const o = r.toJSON() as Record<string, unknown>;
      const v = variants.get(o.config as string);
      return {
        ...o,
        optimizer_params: v?.optimizer_params,
        problem_params: v?.problem_params,
      } as unknown as Row;
    });
}

/** The label a configuration must get, by what differs: only newton's λ. */
function expectedLabel(r: Row): string {
  if (r.optimizer !== 'newton') return r.optimizer;
  const lambda = (JSON.parse(r.optimizer_params) as { lambda: number }).lambda;
  return { 0.001: 'newton λ=1e-3', 0.01: 'newton λ=1e-2' }[lambda] ?? `?${lambda}`;
}

const outcomeOf = (r: Row) => (r.status === 'converged' ? (r.point_class ?? 'converged') : r.status);

const spec_ = (out: string, id: string) =>
  JSON.parse(readFileSync(join(out, 'report', 'figures', `${id}.vl.json`), 'utf8'));

/** Every data array of a Vega-Lite spec with its path (layers, concat, facet). */
function datasets(s: unknown, path = ''): Array<{ path: string; values: Record<string, unknown>[] }> {
  if (s === null || typeof s !== 'object') return [];
  const o = s as Record<string, unknown>;
  const here = (o.data as { values?: Record<string, unknown>[] } | undefined)?.values;
  const own = here ? [{ path, values: here }] : [];
  return [
    ...own,
    ...Object.entries(o).flatMap(([k, v]) =>
      Array.isArray(v)
        ? v.flatMap((x, i) => datasets(x, `${path}.${k}[${i}]`))
        : k === 'spec'
          ? datasets(v, `${path}.spec`)
          : [],
    ),
  ];
}

async function report(seeds: number) {
  const dir = tempDir();
  writeFileSync(join(dir, 'spec.yaml'), spec(seeds));
  const out = join(dir, 'out');
  const r = await runCli(['run', join(dir, 'spec.yaml'), '--out', out, '--threads', '1']);
  if (r.code !== 0) throw new Error(r.stderr);
  const rep = await runCli(['report', out]);
  if (rep.code !== 0) throw new Error(rep.stderr);
  return { out, runStdout: r.stdout };
}

test('small study: outcome bars, spectrum bins, per-run traces and runs still iterating equal a recount', async (t) => {
  const { out, runStdout } = await report(8);
  const runs = table(out, 'runs');
  t.is(runs.length, 32);
  const iterations = new Set(runs.map((r) => r.iterations));
  t.true(iterations.size > 3, 'runs stop at uneven iterations');

  // summary: one column per configuration, headed by its short label.
  const head = runStdout.split('\n').find((l) => l.includes('newton λ=1e-3'));
  t.truthy(head, runStdout);
  t.regex(head!, /newton λ=1e-3\s+newton λ=1e-2\s+bfgs\s+adam/);
  t.true(
    runStdout.split('\n').every((l) => l.length < 200),
    'no line carries whole JSON',
  );

  // Outcomes: one bar per (configuration, outcome), its count and total recounted.
  const bars = datasets(spec_(out, 'outcomes-1'))[0].values;
  for (const b of bars) {
    const mine = runs.filter((r) => expectedLabel(r) === b.optimizer);
    t.is(b.total, mine.length, `${b.optimizer}`);
    t.is(b.count, mine.filter((r) => outcomeOf(r) === b.outcome).length, `${b.optimizer} ${b.outcome}`);
  }
  t.deepEqual([...new Set(bars.map((b) => b.optimizer))], ['newton λ=1e-3', 'newton λ=1e-2', 'bfgs', 'adam']);

  // Spectrum: per configuration, outcome and sign, the binned eigenvalues and the zeros.
  const sets = datasets(spec_(out, 'spectrum-1'));
  const bins = sets.flatMap((d) => d.values).filter((v) => 'sign' in v);
  const zeros = sets.flatMap((d) => d.values).filter((v) => !('sign' in v));
  for (const r of runs) t.truthy(r.eigenvalues, 'eigenvalues stored');
  for (const label of ['newton λ=1e-3', 'newton λ=1e-2', 'bfgs', 'adam'])
    for (const sign of [1, -1]) {
      const mine = runs.filter((r) => expectedLabel(r) === label);
      const want = mine.reduce((s, r) => {
        const byMag = Array.from(r.eigenvalues!).sort((a, b) => Math.abs(a) - Math.abs(b));
        return s + byMag.slice(r.n_zero ?? 0).filter((l) => Math.sign(l) === sign).length;
      }, 0);
      const got = bins
        .filter((b) => b.optimizer === label && b.sign === sign)
        .reduce((s, b) => s + (b.count as number), 0);
      t.is(got, want, `${label} sign ${sign}`);
      const z = mine.reduce((s, r) => s + (r.n_zero ?? 0), 0);
      t.is(
        zeros.filter((b) => b.optimizer === label).reduce((s, b) => s + (b.count as number), 0),
        z,
      );
    }
  // Every bin's count lies at the right place: |λ| within its decade bin.
  for (const b of bins) t.true((b.lo as number) < (b.hi as number));

  // Traces (small study: every run drawn): each run with history is one line, colour by outcome.
  const traces = datasets(spec_(out, 'traces-1')).flatMap((d) => d.values);
  const lines = traces.filter((v) => 'run' in v && v.metric === 'loss');
  const history = table(out, 'history');
  const withHistory = new Set(history.map((h) => h.task_id as string));
  t.is(new Set(lines.map((l) => l.run)).size, withHistory.size);
  for (const l of lines) {
    const run = runs.find((r) => r.task_id.startsWith(l.run as string))!;
    t.is(l.outcome, outcomeOf(run));
    t.is(l.optimizer, expectedLabel(run));
    t.true((l.iteration as number) <= run.iterations, 'a line ends where its run stopped');
  }
  const active = traces.filter((v) => 'active' in v);
  t.true(active.length > 0);
  for (const a of active) {
    const want = runs.filter(
      (r) => expectedLabel(r) === a.optimizer && r.iterations > (a.iteration as number),
    );
    t.is(a.active, want.length, `${a.optimizer} at ${a.iteration}`);
  }

  // Landscape: one panel per configuration, the legend lists only the outcomes that occur.
  const land = spec_(out, 'landscape-1');
  t.is(land.hconcat.length, 4);
  const legend = land.hconcat[0].layer[3].encoding.fill.scale.domain as string[];
  t.deepEqual([...legend].sort(), [...new Set(runs.map(outcomeOf))].sort());
  t.false(legend.includes('degenerate'));

  // The page renders in a real browser, every figure loads, nothing is logged to the console.
  const page = await openInChromium(join(out, 'report', 'index.html'));
  t.deepEqual(page.console, []);
  t.deepEqual(page.images.broken, []);
  t.true(page.images.loaded >= 5, `images loaded: ${page.images.loaded}`);
});

test('larger study: trace bands are quantiles over ALL runs, a stopped run carried at its last value', async (t) => {
  const { out } = await report(40);
  const runs = table(out, 'runs');
  const history = table(out, 'history');
  const bands = datasets(spec_(out, 'traces-1'))
    .flatMap((d) => d.values)
    .filter((v) => 'median' in v && v.metric === 'grad_norm');
  t.true(bands.length > 0);
  const byRun = new Map<string, Array<{ it: number; v: number }>>();
  for (const h of history)
    byRun.set(h.task_id as string, [
      ...(byRun.get(h.task_id as string) ?? []),
      { it: h.iteration as number, v: h.grad_norm as number },
    ]);
  for (const b of bands) {
    const mine = runs.filter((r) => expectedLabel(r) === b.optimizer);
    // Every run counts at every iteration: no survivorship.
    t.is(b.runs, mine.length, `${b.optimizer} at ${b.iteration}`);
    const values = mine
      .map((r) => {
        const h = byRun.get(r.task_id)!.filter((x) => x.it <= (b.iteration as number));
        return h[h.length - 1].v;
      })
      .sort((x, y) => x - y);
    const median = values[Math.floor((values.length - 1) / 2)];
    // The sketch's bins are 1/20 decade: its median is the exact one within a factor 10^(1/20).
    if (median > 0) {
      const ratio = (b.median as number) / median;
      t.true(
        ratio > 10 ** -0.051 && ratio < 10 ** 0.051,
        `${b.optimizer} it ${b.iteration}: ${b.median} vs ${median}`,
      );
    }
  }
});

test('trials figures: P(definite) capped at 1 with integer n, density and index bars equal a recount', async (t) => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'spec.yaml'),
    `name: trials-figures\nseed: 3\ntrials:\n  ensembles: [paper, goe]\n  models: [dense]\n  n: [1, 2, 3, 5]\n  trials: 4000\n  batch: 2000\n  method: index\n  histogram: { bins: 12, range: [-3, 3] }\n`,
  );
  const out = join(dir, 'out');
  t.is((await runCli(['run', join(dir, 'spec.yaml'), '--out', out, '--threads', '1'])).code, 0);
  const rep = await runCli(['report', out]);
  t.is(rep.code, 0, rep.stderr);
  const rows = table(out, 'trials') as unknown as Array<
    Record<string, unknown> & { ensemble: string; n: number }
  >;
  const at = (e: string, n: number) => rows.filter((r) => r.ensemble === e && r.n === n);
  const sum = (rs: Record<string, unknown>[], k: string) => rs.reduce((s, r) => s + (r[k] as number), 0);

  const definite = spec_(out, 'trials-definite');
  const layerOf = (type: string, shape?: string) =>
    definite.layer.find(
      (l: { mark: { type: string; shape?: string } }) => l.mark.type === type && l.mark.shape === shape,
    );
  const pts = layerOf('point').data.values as Array<Record<string, number | string>>;
  // Exact values (n ≤ 2) at their own series' place, not one mark covering the middle series.
  const exact = layerOf('tick').data.values as Array<{ x: number; p: number }>;
  t.deepEqual(
    exact.map((e) => e.x).sort(),
    pts
      .filter((p) => (p.n as number) <= 2)
      .map((p) => p.x as number)
      .sort(),
  );
  const goe2 = pts.find((p) => p.series === 'goe (dense)' && p.n === 2)!;
  t.is(exact.find((e) => e.x === goe2.x)!.p, 1 - Math.SQRT1_2);
  for (const p of pts) {
    const rs = at(String(p.series).split(' ')[0], p.n as number);
    t.is(p.count, sum(rs, 'positive_definite') + sum(rs, 'negative_definite'));
    t.is(p.trials, sum(rs, 'trials'));
    t.true((p.hi as number) <= 1);
  }
  for (const d of definite.layer[0].data.values) t.true(d.p <= 1, `law at n = ${d.n}`);
  t.is(layerOf('point').encoding.y.scale.domain[1], 1);
  t.deepEqual(layerOf('point').encoding.x.axis.values, [1, 2, 3, 5]);
  const xs = pts.filter((p) => p.n === 2).map((p) => p.x);
  t.is(new Set(xs).size, xs.length, 'series at one n are drawn apart');

  const density = spec_(out, 'trials-density').data.values.filter(
    (v: { layer: string }) => v.layer === 'bar',
  );
  for (const e of ['paper', 'goe'])
    for (const n of [1, 2, 3, 5]) {
      const bars = density.filter((b: { point: string }) => b.point === `${e} (dense), n = ${n}`);
      const want = at(e, n).reduce(
        (s, r) => s + Array.from(r.eig_hist_counts as Float64Array).reduce((a, b) => a + b, 0),
        0,
      );
      t.is(
        bars.reduce((s: number, b: { count: number }) => s + b.count, 0),
        want,
      );
    }
  const index = spec_(out, 'trials-index').data.values as Array<{
    point: string;
    index: number;
    fraction: number;
  }>;
  for (const b of index.filter((x) => x.point === 'goe (dense), n = 3')) {
    const rs = at('goe', 3);
    const k = rs.reduce((s, r) => s + Array.from(r.index_histogram as Float64Array)[b.index], 0);
    t.true(Math.abs(b.fraction - k / sum(rs, 'trials')) < 1e-15);
  }
});
