import type { TopLevelSpec } from 'vega-lite';

/** One figure of a report: a Vega-Lite spec and the caption that says what it shows and from what. */
export interface Figure {
  /** File stem: figures/<id>.svg and .png. */
  readonly id: string;
  readonly title: string;
  /** States the study, the number of runs and the settings. */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

export const WIDTH = 520;
export const HEIGHT = 320;

/** Paired colours per optimizer, the same in every figure. */
export const OPTIMIZER_COLOURS: Record<string, string> = {
  newton: '#d62728',
  'saddle-free-newton': '#1f77b4',
  bfgs: '#2ca02c',
  'l-bfgs': '#98df8a',
  adam: '#9467bd',
  gd: '#8c564b',
};

/** Darker and lighter shades of a kind's colour for its second, third … configuration. */
const SHADES = [0, -0.35, 0.35, -0.6, 0.6];

function shade(hex: string, t: number): string {
  const c = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  const m = c.map((v) => Math.round(t < 0 ? v * (1 + t) : v + (255 - v) * t));
  return `#${m.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A colour scale over optimizer configurations: each kind keeps its colour (newton red, bfgs
 * green …), its further configurations in darker and lighter shades, the same in every figure.
 */
export function configScale(configs: ReadonlyArray<{ readonly label: string; readonly kind: string }>) {
  const seen = new Map<string, number>();
  const range = configs.map((c) => {
    const j = seen.get(c.kind) ?? 0;
    seen.set(c.kind, j + 1);
    return shade(OPTIMIZER_COLOURS[c.kind] ?? '#7f7f7f', SHADES[j % SHADES.length]);
  });
  return { domain: configs.map((c) => c.label), range };
}
