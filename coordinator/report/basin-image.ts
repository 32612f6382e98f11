import type { RunRow } from '../../shared/study/result.js';
import { type ReportContext, settings } from './context.js';
import type { Figure } from './figure.js';
import { encodePng } from './png.js';

/** Colours of the torus's stationary points: minima blue, saddles orange to red, maxima purple. */
const POINT_COLOURS: Record<string, readonly [number, number, number]> = {
  'minimum(0,pi)': [31, 119, 180],
  'minimum(pi,pi)': [158, 202, 225],
  'saddle(0,0)': [255, 127, 14],
  'saddle(pi,0)': [253, 174, 107],
  'saddle(pi/2,pi)': [214, 39, 40],
  'saddle(-pi/2,pi)': [255, 152, 150],
  'maximum(pi/2,0)': [117, 107, 177],
  'maximum(-pi/2,0)': [188, 189, 220],
};
const OTHER: readonly [number, number, number] = [60, 60, 60];
const NOT_RUN: readonly [number, number, number] = [255, 255, 255];

const hex = ([r, g, b]: readonly number[]) =>
  `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** The grid size of a torus problem started on a grid (shared/problems/torus.ts initGrid), or null. */
function gridOf(row: RunRow): number | null {
  if (row.problem !== 'torus') return null;
  const g = (JSON.parse(row.problem_params) as { initGrid?: number }).initGrid;
  return typeof g === 'number' ? g : null;
}

/**
 * Basins of attraction as an image (paper Fig. 4, at any resolution): for a torus study started on
 * a G × G grid of angles, pixel (i, j) is the run of seed i + jG, coloured by the stationary point
 * it converged to (dark grey: converged elsewhere or not at all). One pass over the rows, one byte
 * triple a cell: 10⁶ runs make a 3 MB raster, not 10⁶ marks.
 */
export function basinImageFigures(ctx: ReportContext): Figure[] {
  const images = new Map<
    string,
    { grid: number; rgb: Uint8Array; first: RunRow; runs: number; counts: Map<string, number> }
  >();
  for (const r of ctx.runs()) {
    const grid = gridOf(r);
    if (grid === null || r.seed >= grid * grid) continue;
    let img = images.get(r.config);
    if (!img) {
      const rgb = new Uint8Array(grid * grid * 3).fill(NOT_RUN[0]);
      img = { grid, rgb, first: r, runs: 0, counts: new Map() };
      images.set(r.config, img);
    }
    const name = r.status === 'converged' ? (r.stationary_point ?? 'other') : r.status;
    const colour = POINT_COLOURS[name] ?? OTHER;
    const i = r.seed % grid;
    // Image rows run top to bottom: θ₂ = +π at the top.
    const j = grid - 1 - Math.floor(r.seed / grid);
    img.rgb.set(colour, (j * grid + i) * 3);
    img.runs++;
    img.counts.set(name, (img.counts.get(name) ?? 0) + 1);
  }
  const out: Figure[] = [];
  for (const img of images.values()) {
    const png = Buffer.from(encodePng(img.grid, img.grid, img.rgb)).toString('base64');
    const present = [...img.counts.keys()].sort();
    const size = 420;
    const label = ctx.labels.problem(img.first);
    out.push({
      id: `basin-image-${out.length + 1}`,
      title: `Basins of attraction of ${ctx.labels.optimizer(img.first)}: ${label}, ${img.grid} × ${img.grid} starts`,
      caption: `Each pixel is one run started at the centre of its grid cell (θ₁ across, θ₂ up, both in [−π, π]), coloured by the stationary point it converged to; ${present.map((p) => `${p}: ${img.counts.get(p)}`).join(', ')}. ${settings(ctx, img.runs, [ctx.labels.optimizer(img.first)])}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: size,
        height: size,
        layer: [
          {
            data: { values: [{ x: 0, y: 0 }] },
            mark: { type: 'image', width: size, height: size, aspect: false },
            encoding: {
              x: {
                field: 'x',
                type: 'quantitative',
                scale: { domain: [-Math.PI, Math.PI], nice: false },
                title: 'θ₁ at start',
              },
              y: {
                field: 'y',
                type: 'quantitative',
                scale: { domain: [-Math.PI, Math.PI], nice: false },
                title: 'θ₂ at start',
              },
              url: { value: `data:image/png;base64,${png}` },
            },
          },
          {
            data: { values: present.map((p) => ({ p, x: 0, y: 0 })) },
            mark: { type: 'point', filled: true, opacity: 0 },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'y', type: 'quantitative' },
              color: {
                field: 'p',
                type: 'nominal',
                title: 'end point',
                scale: { domain: present, range: present.map((p) => hex(POINT_COLOURS[p] ?? OTHER)) },
                legend: { symbolOpacity: 1 },
              },
            },
          },
        ],
      },
    });
  }
  return out;
}
