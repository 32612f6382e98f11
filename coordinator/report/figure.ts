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

export function optimizerScale(names: readonly string[]) {
  return { domain: [...names], range: names.map((n) => OPTIMIZER_COLOURS[n] ?? '#7f7f7f') };
}
