/**
 * The Vega-Lite layers of a fraction with its interval: a bar of `fraction` on [0, 1] and a black
 * rule from `lo` to `hi` (the outcome figure and `compare`'s figure draw rates the same way).
 */
export function fractionWithInterval() {
  return [
    {
      mark: 'bar' as const,
      encoding: {
        y: {
          field: 'fraction',
          type: 'quantitative' as const,
          title: 'fraction of runs',
          scale: { domain: [0, 1] },
        },
      },
    },
    {
      mark: { type: 'rule' as const, strokeWidth: 1.5 },
      encoding: {
        y: { field: 'lo', type: 'quantitative' as const },
        y2: { field: 'hi' },
        color: { value: 'black' },
      },
    },
  ];
}
