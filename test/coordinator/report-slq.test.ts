import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { reportedOnce } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

/**
 * The spectrum figure of a study whose spectra are estimates (stochastic Lanczos quadrature, as at
 * n > 4,000; forced here at n = 141 by `spectrumMethod: lanczos`): its bars are the expected
 * counts n·w of the stored densities, the zero panel the estimated n_zero, recounted here from
 * the Arrow tables.
 */
const out = reportedOnce(`
name: report-slq
seed: 11
problem: { kind: mlp-regression, width: 20, depth: 2, activation: tanh, target: { kind: sin, k: 2 }, points: 40 }
optimizers: [ { kind: newton, lambda: 1.0e-3 } ]
seeds: 3
stop: { gradTol: 1.0e-9, maxIter: 25 }
record: { spectrum: true, eigenvalues: true, spectrumMethod: lanczos }
`);

type Bin = { optimizer: string; sign: number; lo: number; hi: number; count: number };

test('estimated spectra: bars are expected counts of the SLQ density, recounted; the caption says so', async (t) => {
  const dir = await out();
  const runs = readTable(dir, 'runs')
    .toArray()
    .map((r) => r.toJSON() as Record<string, unknown>);
  t.is(runs.length, 3);
  for (const r of runs) {
    t.true(r.counts_estimated as boolean, 'the spectra are estimates');
    t.is(r.eigenvalues, null);
  }
  const figure = JSON.parse(readFileSync(join(dir, 'report', 'figures', 'spectrum-1.vl.json'), 'utf8'));
  const values = (figure.vconcat as { hconcat: { data: { values: Record<string, unknown>[] } }[] }[]).flatMap(
    (row) => row.hconcat.flatMap((p) => p.data.values),
  );
  const bins = values.filter((v) => 'sign' in v) as unknown as Bin[];
  const zeros = values.filter((v) => !('sign' in v)) as unknown as { count: number }[];
  // The recount: per run, the mass of the nodes smallest in |λ| up to n_zero/n is zero; the rest
  // n·w at each node, by sign and by bin of log10|λ| at 4 a decade.
  const want = new Map<string, number>();
  let zeroWant = 0;
  for (const r of runs) {
    const nodes = Array.from(r.spectral_nodes as Float64Array);
    const w = Array.from(r.spectral_weights as Float64Array);
    const n = (r.n_positive as number) + (r.n_negative as number) + (r.n_zero as number);
    t.true(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'weights sum to 1');
    let z = (r.n_zero as number) / n;
    const idx = nodes.map((_, i) => i).sort((a, b) => Math.abs(nodes[a]) - Math.abs(nodes[b]));
    for (const i of idx) {
      const take = Math.min(w[i], z);
      z -= take;
      const c = (w[i] - take) * n;
      if (c <= 0 || nodes[i] === 0) continue;
      const k = `${Math.sign(nodes[i])} ${Math.floor(Math.log10(Math.abs(nodes[i])) * 4)}`;
      want.set(k, (want.get(k) ?? 0) + c);
    }
    zeroWant += r.n_zero as number;
  }
  const got = new Map<string, number>();
  for (const b of bins) {
    const k = `${b.sign} ${Math.round(b.lo * 4)}`;
    got.set(k, (got.get(k) ?? 0) + b.count);
  }
  t.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [k, c] of want)
    t.true(Math.abs((got.get(k) ?? 0) - c) < 1e-9, `bin ${k}: ${got.get(k)} vs ${c}`);
  t.is(
    zeros.reduce((s, z) => s + z.count, 0),
    zeroWant,
  );
  t.true(bins.some((b) => b.sign < 0) && bins.some((b) => b.sign > 0), 'both signs drawn');
  t.regex(
    figure.description ?? readFileSync(join(dir, 'report', 'index.html'), 'utf8'),
    /stochastic Lanczos quadrature estimates/,
  );
});
