import type { Comparison } from '../compare.js';
import type { Figure } from './figure.js';
import { fractionWithInterval } from './fraction-layers.js';

/** Outcome fractions of several studies side by side with 95% Wilson intervals, one panel per key. */
export function compareFigure(c: Comparison): Figure {
  const values = c.rows.flatMap((row) =>
    row.studies.flatMap((s, i) =>
      s
        ? c.outcomes.map((o) => ({
            key: row.label,
            study: c.studies[i].label,
            outcome: o,
            count: s.outcomes[o].count,
            total: s.runs,
            fraction: s.outcomes[o].fraction,
            lo: s.outcomes[o].lo,
            hi: s.outcomes[o].hi,
          }))
        : [],
    ),
  );
  const studies = c.studies.map((s) => s.label);
  return {
    id: 'compare',
    title: `Outcomes compared: ${studies.join(' vs ')}`,
    caption: `Fraction of runs ending at each outcome, per problem × optimizer key (panels), for each study (colour), with 95% Wilson intervals. Studies: ${c.studies.map((s) => `${s.label} (${s.dir}, ${s.runs} runs)`).join('; ')}.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      facet: { field: 'key', type: 'nominal', title: null, sort: c.rows.map((r) => r.label) },
      columns: 2,
      spec: {
        width: Math.max(240, c.outcomes.length * studies.length * 14),
        height: 180,
        encoding: {
          x: {
            field: 'outcome',
            type: 'nominal',
            sort: [...c.outcomes],
            title: null,
            axis: { labelAngle: 0 },
          },
          xOffset: { field: 'study', sort: studies },
          color: { field: 'study', type: 'nominal', sort: studies, title: 'study' },
        },
        layer: fractionWithInterval(),
      },
    } as never,
  };
}
