import { buildObjective } from '../../shared/run-task.js';
import type { RunRow } from '../../shared/study/result.js';
import { trajectory } from '../../shared/trajectory.js';
import { optimizerKey, problemKey, problemLabel, type ReportContext, settings, taskOf } from './context.js';
import type { Figure } from './figure.js';
import { outcome, outcomeScale } from './outcome.js';
import { BottomK, getOr, idHash } from './sample.js';

const PANEL = 260;
const GRID = 48;
/** Trajectories drawn per configuration: the runs of smallest seed (the same starts for every configuration). */
export const TRAJECTORIES = 12;
/** Final points (and basin starts) drawn per configuration: a sample by task id beyond this. */
export const POINTS = 2000;
const TAU = 2 * Math.PI;
const wrapAngle = (a: number) => a - TAU * Math.round(a / TAU);

/** Whether the box around segment a→b, shifted by (dx, dy), meets the panel [−π, π]². */
function meetsPanel(a: [number, number], b: [number, number], dx: number, dy: number): boolean {
  return [0, 1].every((i) => {
    const d = i === 0 ? dx : dy;
    return Math.min(a[i], b[i]) + d <= Math.PI && Math.max(a[i], b[i]) + d >= -Math.PI;
  });
}

/**
 * A path on the torus as the optimizer took it (raw iterates, not reduced modulo 2π), moved by a
 * multiple of 2π so that it starts in [−π, π]², then drawn in every translate by multiples of 2π
 * that meets the panel: clipped to the panel, it crosses the periodic boundary and comes back in
 * on the other side, no piece dropped.
 */
export function torusCopies(
  xs: readonly Float64Array[],
): Array<{ shift: string; points: Array<[number, number]> }> {
  if (xs.length < 2)
    return xs.length ? [{ shift: '0,0', points: [[wrapAngle(xs[0][0]), wrapAngle(xs[0][1])]] }] : [];
  const back = [0, 1].map((i) => TAU * Math.round(xs[0][i] / TAU));
  const pts = xs.map((x): [number, number] => [x[0] - back[0], x[1] - back[1]]);
  const out: Array<{ shift: string; points: Array<[number, number]> }> = [];
  const reach = (i: number) => Math.ceil((Math.max(...pts.map((p) => Math.abs(p[i]))) + Math.PI) / TAU);
  for (let i = -reach(0); i <= reach(0); i++)
    for (let j = -reach(1); j <= reach(1); j++) {
      const [dx, dy] = [i * TAU, j * TAU];
      if (!pts.some((p, k) => k > 0 && meetsPanel(pts[k - 1], p, dx, dy))) continue;
      out.push({ shift: `${i},${j}`, points: pts.map(([a, b]) => [a + dx, b + dy]) });
    }
  return out;
}

interface Pool {
  readonly first: RunRow;
  runs: number;
  readonly configs: Set<string>;
  /** label → the runs of smallest seed; label → a sample by task id of all runs. */
  readonly traced: Map<string, BottomK<RunRow>>;
  readonly sampled: Map<string, BottomK<RunRow>>;
  readonly counts: Map<string, number>;
}

/** One pass over the runs: per problem variant, bounded samples for the landscape and basin figures. */
function pools(ctx: ReportContext, keep: (r: RunRow) => boolean): Map<string, Pool> {
  const out = new Map<string, Pool>();
  for (const r of ctx.runs()) {
    if (!keep(r)) continue;
    const p = getOr(out, problemKey(r), () => ({
      first: r,
      runs: 0,
      configs: new Set<string>(),
      traced: new Map(),
      sampled: new Map(),
      counts: new Map(),
    }));
    const label = ctx.labels.optimizer(r);
    p.runs++;
    p.configs.add(optimizerKey(r));
    p.counts.set(label, (p.counts.get(label) ?? 0) + 1);
    getOr(p.traced, label, () => new BottomK<RunRow>(TRAJECTORIES, (x) => x.seed)).add(r);
    getOr(p.sampled, label, () => new BottomK<RunRow>(POINTS, (x) => idHash(x.task_id))).add(r);
  }
  return out;
}

/**
 * For two-parameter problems (the torus): the loss landscape, trajectories of the first seeds
 * coloured by how each run ended (start: open circle; end: filled), and the final points of the
 * converged runs, one panel per optimizer configuration (paper Figs. 4 and 12). On a periodic
 * problem paths are unwrapped across the boundary (torusCopies).
 */
export function landscapeFigures(ctx: ReportContext): Figure[] {
  const out: Figure[] = [];
  for (const p of pools(ctx, () => true).values()) {
    const f = buildObjective(taskOf(p.first));
    if (f.dim !== 2) continue;
    const periodic = f.canonical !== undefined;
    const grid: Array<{ t1: number; t2: number; t1b: number; t2b: number; loss: number }> = [];
    const h = TAU / GRID;
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
    const present = new Set([
      ...[...p.traced.values()].flatMap((t) => t.values().map(outcome)),
      ...[...p.sampled.values()].flatMap((t) =>
        t
          .values()
          .filter((r) => r.status === 'converged' && r.final_params)
          .map(outcome),
      ),
    ]);
    const scale = outcomeScale(present);
    const panels = [...p.traced].map(([label, traced]) => {
      const paths: Array<{ path: string; k: number; t1: number; t2: number; outcome: string }> = [];
      const starts: Array<{ t1: number; t2: number; outcome: string }> = [];
      for (const r of traced.values()) {
        const o = outcome(r);
        const xs = trajectory(taskOf(r), 200, !periodic);
        if (xs.length === 0) continue;
        const c0 = periodic ? torusCopies(xs.slice(0, 1))[0].points[0] : [xs[0][0], xs[0][1]];
        starts.push({ t1: c0[0], t2: c0[1], outcome: o });
        const copies = periodic
          ? torusCopies(xs)
          : [{ shift: '0,0', points: xs.map((x) => [x[0], x[1]] as [number, number]) }];
        for (const c of copies)
          for (const [k, [t1, t2]] of c.points.entries())
            paths.push({ path: `${r.seed}:${c.shift}`, k, t1, t2, outcome: o });
      }
      const ends = p.sampled
        .get(label)!
        .values()
        .filter((r) => r.status === 'converged' && r.final_params)
        .map((r) => ({ t1: r.final_params![0], t2: r.final_params![1], outcome: outcome(r) }));
      const axis = (field: string, title: string) => ({
        field,
        type: 'quantitative' as const,
        title,
        scale: { domain: [-Math.PI, Math.PI], nice: false },
      });
      return {
        title: `${label} (${p.counts.get(label)} runs)`,
        width: PANEL,
        height: PANEL,
        layer: [
          {
            data: { values: grid },
            mark: { type: 'rect' as const },
            encoding: {
              x: axis('t1', 'θ₁'),
              x2: { field: 't1b' },
              y: axis('t2', 'θ₂'),
              y2: { field: 't2b' },
              color: {
                field: 'loss',
                type: 'quantitative' as const,
                scale: { scheme: 'greys' },
                title: 'loss L',
              },
            },
          },
          {
            data: { values: paths },
            mark: { type: 'line' as const, strokeWidth: 1.2, opacity: 0.9, clip: true },
            encoding: {
              x: axis('t1', 'θ₁'),
              y: axis('t2', 'θ₂'),
              detail: { field: 'path', type: 'nominal' as const },
              order: { field: 'k', type: 'quantitative' as const },
              stroke: { field: 'outcome', type: 'nominal' as const, title: 'outcome', scale },
            },
          },
          {
            data: { values: starts },
            mark: { type: 'point' as const, shape: 'circle', filled: false, size: 30, strokeWidth: 1.2 },
            encoding: {
              x: axis('t1', 'θ₁'),
              y: axis('t2', 'θ₂'),
              stroke: { field: 'outcome', type: 'nominal' as const, title: 'outcome', scale },
            },
          },
          {
            data: { values: ends },
            mark: { type: 'point' as const, filled: true, size: 60, stroke: 'black', strokeWidth: 0.5 },
            encoding: {
              x: axis('t1', 'θ₁'),
              y: axis('t2', 'θ₂'),
              fill: { field: 'outcome', type: 'nominal' as const, title: 'outcome', scale },
            },
          },
        ],
      };
    });
    const label = problemLabel(p.first);
    const shown = Math.min(TRAJECTORIES, ...[...p.traced.values()].map((t) => t.values().length));
    out.push({
      id: `landscape-${out.length + 1}`,
      title: `Loss landscape, stationary points reached and trajectories: ${label}`,
      caption: `Grey: the loss L(θ₁, θ₂) on a ${GRID}×${GRID} grid over [−π, π]². Lines: the iterates of the ${shown} runs of smallest seed of each optimizer configuration (the same starts for every configuration), coloured by how the run ended, from the open circle${periodic ? '; θ is periodic, so a path that leaves the square comes back in on the opposite side, and a step longer than 2π wraps round the torus and shows as parallel strokes' : ''}. Filled markers: final points of the converged runs (at most ${POINTS} per configuration, chosen by task id). Newton goes to whichever stationary point is near; BFGS and saddle-free Newton descend to minima (paper Figs. 4, 12). ${label}. ${settings(ctx, p.runs, p.configs)}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        hconcat: panels,
        // One loss scale and legend for every panel: the same objective.
        resolve: { scale: { color: 'shared' } },
      } as never,
    });
  }
  return out;
}

/** Basins: each run's starting point coloured by the stationary point it ended at (1-D and 2-D problems). */
export function basinFigures(ctx: ReportContext): Figure[] {
  const out: Figure[] = [];
  const keep = (r: RunRow) => r.initial_params !== null && r.initial_params.length <= 2;
  for (const p of pools(ctx, keep).values()) {
    // A study started on a grid of angles is drawn as an image (basin-image.ts), not one mark a run.
    if (p.first.problem_params.includes('"initGrid"')) continue;
    const dim = p.first.initial_params!.length;
    const data = [...p.sampled].flatMap(([label, s]) =>
      s.values().map((r) => ({
        optimizer: label,
        t1: r.initial_params![0],
        t2: dim === 2 ? r.initial_params![1] : r.seed,
        end: r.status === 'converged' ? (r.stationary_point ?? r.point_class ?? 'converged') : outcome(r),
      })),
    );
    const label = problemLabel(p.first);
    out.push({
      id: `basins-${out.length + 1}`,
      title: `Basins of attraction: ${label}`,
      caption: `Each run's starting point${dim === 2 ? ' (θ₁, θ₂)' : ' θ (vertical: seed)'}, coloured by the stationary point it converged to (at most ${POINTS} runs per configuration, chosen by task id). ${label}. ${settings(ctx, p.runs, p.configs)}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        data: { values: data },
        facet: { column: { field: 'optimizer', type: 'nominal', sort: [...p.sampled.keys()], title: null } },
        spec: {
          width: PANEL,
          height: PANEL,
          // Larger dots where few runs are drawn, small ones where thousands overlap.
          mark: { type: 'circle', size: data.length < 1000 ? 30 : 9, opacity: 0.8 },
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
