import { buildObjective } from '../../shared/run-task.js';
import { trajectory } from '../../shared/trajectory.js';
import { groupBy, problemLabel, type ReportContext, settings, taskOf } from './context.js';
import type { Figure } from './figure.js';

const PANEL = 260;
const GRID = 48;
const TRAJECTORIES = 12;

/**
 * For two-parameter problems (the torus): the loss landscape with the stationary points reached,
 * and Newton / BFGS / saddle-free Newton trajectories from the same starts (paper Figs. 4 and 12).
 */
export function landscapeFigures(ctx: ReportContext): Figure[] {
  const out: Figure[] = [];
  for (const rows of groupBy(ctx.runs, (r) => `${r.problem} ${r.problem_params}`).values()) {
    const f = buildObjective(taskOf(rows[0]));
    if (f.dim !== 2) continue;
    const grid: Array<{ t1: number; t2: number; t1b: number; t2b: number; loss: number }> = [];
    const h = (2 * Math.PI) / GRID;
    for (let i = 0; i < GRID; i++)
      for (let j = 0; j < GRID; j++) {
        const t1 = -Math.PI + (i + 0.5) * h;
        const t2 = -Math.PI + (j + 0.5) * h;
        grid.push({
          t1: t1 - h / 2,
          t2: t2 - h / 2,
          t1b: t1 + h / 2,
          t2b: t2 + h / 2,
          loss: f.value(Float64Array.of(t1, t2)),
        });
      }
    const optimizers = [...new Set(rows.map((r) => r.optimizer))];
    const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b).slice(0, TRAJECTORIES);
    const panels = optimizers.map((opt) => {
      const mine = rows.filter((r) => r.optimizer === opt);
      const paths = mine
        .filter((r) => seeds.includes(r.seed))
        .flatMap((r) => {
          // Break a path where it wraps across ±π, so that no segment crosses the whole panel.
          let segment = 0;
          return trajectory(taskOf(r), 200).map((x, k, xs) => {
            if (k > 0 && (Math.abs(x[0] - xs[k - 1][0]) > Math.PI || Math.abs(x[1] - xs[k - 1][1]) > Math.PI))
              segment++;
            return { path: `${r.seed}-${segment}`, k, t1: x[0], t2: x[1] };
          });
        });
      const ends = mine
        .filter((r) => r.status === 'converged' && r.final_params)
        .map((r) => ({
          t1: r.final_params![0],
          t2: r.final_params![1],
          kind: r.point_class ?? 'unclassified',
        }));
      return {
        title: `${opt} (${mine.length} runs)`,
        width: PANEL,
        height: PANEL,
        layer: [
          {
            data: { values: grid },
            mark: { type: 'rect' as const },
            encoding: {
              x: {
                field: 't1',
                type: 'quantitative' as const,
                title: 'θ₁',
                scale: { domain: [-Math.PI, Math.PI], nice: false },
              },
              x2: { field: 't1b' },
              y: {
                field: 't2',
                type: 'quantitative' as const,
                title: 'θ₂',
                scale: { domain: [-Math.PI, Math.PI], nice: false },
              },
              y2: { field: 't2b' },
              color: { field: 'loss', type: 'quantitative' as const, scale: { scheme: 'greys' }, title: 'L' },
            },
          },
          {
            data: { values: paths },
            mark: { type: 'line' as const, strokeWidth: 1, opacity: 0.8, color: '#ff7f0e' },
            encoding: {
              x: { field: 't1', type: 'quantitative' as const, scale: { domain: [-Math.PI, Math.PI] } },
              y: { field: 't2', type: 'quantitative' as const, scale: { domain: [-Math.PI, Math.PI] } },
              detail: { field: 'path', type: 'nominal' as const },
              order: { field: 'k', type: 'quantitative' as const },
            },
          },
          {
            data: { values: ends },
            mark: { type: 'point' as const, filled: true, size: 70, stroke: 'black', strokeWidth: 0.5 },
            encoding: {
              x: { field: 't1', type: 'quantitative' as const },
              y: { field: 't2', type: 'quantitative' as const },
              shape: {
                field: 'kind',
                type: 'nominal' as const,
                title: 'final point',
                scale: { domain: ['minimum', 'saddle', 'maximum', 'degenerate'] },
              },
              color: {
                field: 'kind',
                type: 'nominal' as const,
                title: 'final point',
                scale: {
                  domain: ['minimum', 'saddle', 'maximum', 'degenerate'],
                  range: ['#2ca02c', '#ff7f0e', '#d62728', '#7f7f7f'],
                },
              },
            },
          },
        ],
        resolve: { scale: { color: 'independent' as const } },
      };
    });
    const label = problemLabel(rows[0]);
    out.push({
      id: `landscape-${out.length + 1}`,
      title: `Loss landscape, stationary points reached and trajectories: ${label}`,
      caption: `Grey: the loss L(θ₁, θ₂) on a ${GRID}×${GRID} grid over [−π, π]². Markers: final points of every converged run, by kind. Orange: the iterates of the first ${seeds.length} seeds (the same starts for every optimizer). Newton goes to whichever stationary point is near; BFGS and saddle-free Newton descend to minima (paper Figs. 4, 12). ${label}. ${settings(ctx, rows)}`,
      spec: { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', hconcat: panels } as never,
    });
  }
  return out;
}

/** Basins: each run's starting point coloured by the stationary point it ended at (1-D and 2-D problems). */
export function basinFigures(ctx: ReportContext): Figure[] {
  const out: Figure[] = [];
  for (const rows of groupBy(ctx.runs, (r) => `${r.problem} ${r.problem_params}`).values()) {
    // A study started on a grid of angles is drawn as an image (basin-image.ts), not one mark a run.
    if (rows[0].problem_params.includes('"initGrid"')) continue;
    const withStart = rows.filter((r) => r.initial_params && r.initial_params.length <= 2);
    if (withStart.length === 0) continue;
    const dim = withStart[0].initial_params!.length;
    const data = withStart.map((r) => ({
      optimizer: r.optimizer,
      t1: r.initial_params![0],
      t2: dim === 2 ? r.initial_params![1] : r.seed,
      end: r.status === 'converged' ? (r.stationary_point ?? r.point_class ?? 'converged') : r.status,
    }));
    const label = problemLabel(rows[0]);
    out.push({
      id: `basins-${out.length + 1}`,
      title: `Basins of attraction: ${label}`,
      caption: `Each run's starting point${dim === 2 ? ' (θ₁, θ₂)' : ' θ (vertical: seed)'}, coloured by the stationary point it converged to. ${label}. ${settings(ctx, rows)}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        data: { values: data },
        facet: {
          column: {
            field: 'optimizer',
            type: 'nominal',
            sort: [...new Set(data.map((d) => d.optimizer))],
            title: null,
          },
        },
        spec: {
          width: PANEL,
          height: PANEL,
          mark: { type: 'circle', size: 9, opacity: 0.8 },
          encoding: {
            x: {
              field: 't1',
              type: 'quantitative',
              title: dim === 2 ? 'θ₁ at start' : 'θ at start',
              scale: { domain: [-Math.PI, Math.PI] },
            },
            y: {
              field: 't2',
              type: 'quantitative',
              title: dim === 2 ? 'θ₂ at start' : 'seed',
              ...(dim === 2 ? { scale: { domain: [-Math.PI, Math.PI] } } : {}),
            },
            color: { field: 'end', type: 'nominal', title: 'ended at', scale: { scheme: 'tableau10' } },
          },
        },
      },
    });
  }
  return out;
}
