import { problemKey, problemLabel, type ReportContext, settings } from './context.js';
import type { Figure } from './figure.js';
import { OUTCOME_ORDER, outcome, outcomeScale } from './outcome.js';
import { getOr } from './sample.js';

/** A count as the caption writes it: whole, or to 0.1 for expected counts of estimated spectra. */
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Bins per decade of |λ|. */
const PER_DECADE = 4;

/** One bar of a spectrum panel: eigenvalues of one sign, one outcome, in one |λ| bin [10^lo, 10^hi). */
export interface SpectrumBin {
  readonly optimizer: string;
  readonly outcome: string;
  readonly sign: 1 | -1;
  /** log10|λ| at the bin's edges. */
  readonly lo: number;
  readonly hi: number;
  /** Signed-log coordinates of the edges on the figure's axis (x0 < x1). */
  readonly x0: number;
  readonly x1: number;
  readonly count: number;
  /** The bar's extent when the outcomes of one bin are stacked (in OUTCOME_ORDER). */
  readonly y0: number;
  readonly y1: number;
}

/** Eigenvalues within the zero tolerance, per configuration and outcome (drawn apart from the rest). */
export interface NearZero {
  readonly optimizer: string;
  readonly outcome: string;
  readonly count: number;
}

interface Pool {
  readonly first: { problem: string; problem_params: string };
  runs: number;
  /** Runs whose spectrum is an SLQ estimate (drawn as expected counts). */
  estimated: number;
  readonly configs: Set<string>;
  /** `optimizer\0outcome\0sign\0bin` → count. */
  readonly bins: Map<string, number>;
  readonly zero: Map<string, number>;
  eigenvalues: number;
}

/**
 * Hessian eigenvalues at the final point, as the paper's Fig. 6: per optimizer configuration (one
 * row each) and outcome (colour), the eigenvalues of each sign binned by log10|λ| on one
 * signed-log-magnitude axis (negative left, positive right), and, beside it on its own scale,
 * how many were zero within the zero tolerance: usually most of them, so they would otherwise
 * flatten every other bar. A run's zero eigenvalues are its n_zero smallest in |λ|.
 */
export function spectrumFigures(ctx: ReportContext): Figure[] {
  const pools = new Map<string, Pool>();
  for (const r of ctx.runs()) {
    const dense = r.eigenvalues !== null && r.eigenvalues.length > 0;
    const density = !dense && (r.spectral_nodes?.length ?? 0) > 0 && (r.spectral_weights?.length ?? 0) > 0;
    if (!dense && !density) continue;
    const p = getOr(pools, problemKey(r), () => ({
      first: r,
      runs: 0,
      estimated: 0,
      configs: new Set<string>(),
      bins: new Map<string, number>(),
      zero: new Map<string, number>(),
      eigenvalues: 0,
    }));
    const opt = ctx.labels.optimizer(r);
    const o = outcome(r);
    p.runs++;
    p.configs.add(`${r.optimizer} ${r.optimizer_params}`);
    const zk = `${opt}\0${o}`;
    const bin = (l: number, count: number) => {
      if (!(l !== 0 && Number.isFinite(l)) || count <= 0) return;
      const b = Math.floor(Math.log10(Math.abs(l)) * PER_DECADE);
      const k = `${opt}\0${o}\0${Math.sign(l)}\0${b}`;
      p.bins.set(k, (p.bins.get(k) ?? 0) + count);
    };
    if (dense) {
      p.eigenvalues += r.eigenvalues!.length;
      const byMagnitude = Array.from(r.eigenvalues!).sort((a, b) => Math.abs(a) - Math.abs(b));
      const nz = Math.min(r.n_zero ?? 0, byMagnitude.length);
      if (nz > 0) p.zero.set(zk, (p.zero.get(zk) ?? 0) + nz);
      for (const l of byMagnitude.slice(nz)) bin(l, 1);
      continue;
    }
    // Stochastic Lanczos quadrature (counts_estimated): the density Σ w δ(λ − node), w summing to 1,
    // drawn as expected counts n·w. The n_zero estimate takes the mass of the nodes smallest in
    // |λ|, as a dense spectrum's zeros are its n_zero smallest eigenvalues.
    const n = (r.n_positive ?? 0) + (r.n_negative ?? 0) + (r.n_zero ?? 0);
    const nodes = r.spectral_nodes!;
    const weights = r.spectral_weights!;
    const order = Array.from(nodes.keys()).sort((a, b) => Math.abs(nodes[a]) - Math.abs(nodes[b]));
    let zeroMass = n > 0 ? (r.n_zero ?? 0) / n : 0;
    for (const i of order) {
      const take = Math.min(weights[i], zeroMass);
      zeroMass -= take;
      bin(nodes[i], (weights[i] - take) * n);
    }
    if ((r.n_zero ?? 0) > 0) p.zero.set(zk, (p.zero.get(zk) ?? 0) + (r.n_zero ?? 0));
    p.eigenvalues += n;
    p.estimated++;
  }
  const out: Figure[] = [];
  for (const p of pools.values()) out.push(spectrumFigure(ctx, p, out.length + 1));
  return out;
}

function spectrumFigure(ctx: ReportContext, p: Pool, id: number): Figure {
  const raw = [...p.bins].map(([k, count]) => {
    const [optimizer, o, sign, b] = k.split('\0');
    return { optimizer, outcome: o, sign: Number(sign) as 1 | -1, b: Number(b), count };
  });
  // The axis: a magnitude 10^d sits at ±(d − offset); the smallest populated bin starts at ±0.5.
  const minBin = raw.length ? Math.min(...raw.map((x) => x.b)) : 0;
  const maxBin = raw.length ? Math.max(...raw.map((x) => x.b)) : 0;
  const offset = minBin / PER_DECADE - 0.5;
  const rank = (o: string) => {
    const i = OUTCOME_ORDER.indexOf(o as never);
    return i < 0 ? OUTCOME_ORDER.length : i;
  };
  raw.sort((a, b) => a.b - b.b || a.sign - b.sign || rank(a.outcome) - rank(b.outcome));
  const stacked = new Map<string, number>();
  const bins: SpectrumBin[] = raw.map((x) => {
    const lo = x.b / PER_DECADE;
    const hi = (x.b + 1) / PER_DECADE;
    const [a, c] = [x.sign * (lo - offset), x.sign * (hi - offset)];
    const at = `${x.optimizer}\0${x.sign}\0${x.b}`;
    const y0 = stacked.get(at) ?? 0;
    stacked.set(at, y0 + x.count);
    return { ...x, lo, hi, x0: Math.min(a, c), x1: Math.max(a, c), y0, y1: y0 + x.count };
  });
  const zeroAt = new Map<string, number>();
  const zero: NearZero[] = [...p.zero]
    .map(([k, count]) => {
      const [optimizer, o] = k.split('\0');
      return { optimizer, outcome: o, count };
    })
    .sort((a, b) => rank(a.outcome) - rank(b.outcome))
    .map((z) => {
      const y0 = zeroAt.get(z.optimizer) ?? 0;
      zeroAt.set(z.optimizer, y0 + z.count);
      return { ...z, y0, y1: y0 + z.count };
    });
  const decades: number[] = [];
  for (let d = Math.ceil(minBin / PER_DECADE); d <= Math.ceil((maxBin + 1) / PER_DECADE); d++)
    decades.push(d);
  const step = Math.max(1, Math.ceil(decades.length / 5));
  const ticks = decades.filter((d) => d % step === 0).map((d) => d - offset);
  const reach = (maxBin + 1) / PER_DECADE - offset;
  const configs = ctx.labels.optimizers
    .map((c) => c.label)
    .filter((l) => bins.some((b) => b.optimizer === l) || zero.some((z) => z.optimizer === l));
  const colour = {
    field: 'outcome',
    type: 'nominal' as const,
    title: 'outcome',
    scale: outcomeScale([...bins.map((b) => b.outcome), ...zero.map((z) => z.outcome)]),
  };
  const nonzero = bins.reduce((s, b) => s + b.count, 0);
  const zeros = zero.reduce((s, z) => s + z.count, 0);
  const rows = configs.map((opt) => ({
    hconcat: [
      // Zero eigenvalues on their own scale, beside the rest; no panel where none was zero.
      {
        width: 440,
        height: 110,
        title: { text: opt, anchor: 'start' as const, fontSize: 12 },
        data: { values: bins.filter((b) => b.optimizer === opt) },
        mark: { type: 'rect' as const },
        encoding: {
          x: {
            field: 'x0',
            type: 'quantitative' as const,
            scale: { domain: [-reach, reach], nice: false },
            title: 'eigenvalue λ (negative ← | → positive; log |λ|)',
            axis: {
              values: [...ticks.map((t) => -t), ...ticks],
              labelExpr: `(datum.value < 0 ? '−' : '') + '1e' + round(abs(datum.value) + ${offset})`,
            },
          },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative' as const, title: 'eigenvalues' },
          y2: { field: 'y1' },
          color: colour,
        },
      },
      ...(zeros === 0
        ? []
        : [
            {
              width: 60,
              height: 110,
              title: { text: '≈ 0', fontSize: 12 },
              data: { values: zero.filter((z) => z.optimizer === opt) },
              mark: { type: 'rect' as const },
              encoding: {
                x: { value: 15 },
                x2: { value: 45 },
                y: {
                  field: 'y0',
                  type: 'quantitative' as const,
                  title: null,
                  axis: { format: 'd', tickMinStep: 1 },
                },
                y2: { field: 'y1' },
                color: colour,
              },
            },
          ]),
    ],
  }));
  const label = problemLabel(p.first);
  return {
    id: `spectrum-${id}`,
    title: `Hessian eigenvalues at the final point: ${label}`,
    caption: `Eigenvalues of the exact Hessian at the final point of ${p.runs} runs${p.estimated > 0 ? ` (${p.estimated} of them with more parameters than a dense eigendecomposition affords: their spectra are stochastic Lanczos quadrature estimates, drawn as expected counts n·w of the estimated density, the zero panel holding their estimated n_zero)` : ''} (${fmt(p.eigenvalues)} eigenvalues: ${fmt(nonzero)} nonzero, binned at ${PER_DECADE} bins per decade of |λ| on a signed log axis, negative to the left; ${fmt(zeros)} zero within zeroTol·max|λ|, counted in the narrow panel on its own scale, shown where any was), one row per optimizer configuration, coloured by the run's outcome. Both signs at one point make it a saddle; the many zeros are the flat directions (paper Fig. 6). ${label}. ${settings(ctx, p.runs, p.configs)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      vconcat: rows,
      resolve: { scale: { color: 'shared' } },
    } as never,
  };
}
