import { type SeedBlock, taskAtSeed } from './block.js';
import { canonicalJson, contentHash } from './canonical.js';
import { optimizerConfigs, problemVariants } from './expand.js';
import { SeedSet } from './seed-set.js';
import type { StudySpec } from './spec.js';
import { type Task, type TrialsTask, taskId } from './task.js';
import { CONFIG_CHARS } from './task-id.js';

/**
 * One configuration of a study: what every task of it shares (problem variant × optimizer, or a
 * random-Hessian point), run once per unit (a seed, or a batch of trials).
 */
export interface PlanGroup {
  /** Position in this plan (changes when a study is extended: not stored). */
  readonly index: number;
  /** Hash of the configuration's content: stable across plans, the `config` column. */
  readonly config: string;
  /** What a task of this group is made of, but its unit. */
  readonly content: Readonly<Record<string, unknown>>;
}

/** Index i of a plan as its group and unit (the seed's rank, or the batch number). */
export interface PlanSlot {
  readonly group: number;
  readonly unit: number;
}

/**
 * A study's tasks, computed from their index: planning 10⁸ tasks costs
 * nothing up front. Optimizer studies are ordered variant, seed, optimizer (seed-major within a
 * variant, so a partial run has every optimizer at every seed it reached); trials studies point,
 * batch. Duplicate variants, optimizers or seeds collapse.
 */
export class StudyPlan {
  readonly groups: readonly PlanGroup[];
  /** Units of every group: seeds of an optimizer study, batches of a trials study. */
  readonly units: number;
  readonly size: number;
  /** Hash of the plan from the spec: two specs with the same hash run the same tasks. */
  readonly hash: string;
  readonly seeds: SeedSet | null;
  private readonly optimizers: number;
  /** Canonical JSON of a group's task body around its seed (ids without re-serializing). */
  private readonly idParts: readonly (readonly [string, string])[];

  constructor(readonly spec: StudySpec) {
    if (spec.trials) {
      const t = spec.trials;
      const points: Record<string, unknown>[] = [];
      for (const ensemble of t.ensembles)
        for (const model of t.models) {
          if (model === 'tridiagonal' && ensemble !== 'goe') continue;
          for (const n of t.n)
            points.push({
              ensemble,
              model,
              n,
              method: t.method,
              singularTol: t.singularTol,
              ...(t.histogram ? { histogram: t.histogram } : {}),
            });
        }
      this.groups = unique(points).map((content, index) => ({
        index,
        content,
        config: trialsConfig(spec.seed, content),
      }));
      this.units = Math.ceil(t.trials / t.batch);
      this.optimizers = 1;
      this.seeds = null;
      this.idParts = [];
    } else {
      const variants = unique(problemVariants(spec) as Record<string, unknown>[]);
      const optimizers = unique(optimizerConfigs(spec) as Record<string, unknown>[]);
      const groups: PlanGroup[] = [];
      for (const problem of variants)
        for (const optimizer of optimizers) {
          const content = {
            kind: 'optimize',
            studySeed: spec.seed,
            problem,
            optimizer,
            stop: spec.stop,
            record: spec.record,
          };
          groups.push({ index: groups.length, content, config: contentHash(content, CONFIG_CHARS) });
        }
      this.groups = groups;
      this.seeds = SeedSet.of(spec.seeds ?? []);
      this.units = this.seeds.size;
      this.optimizers = optimizers.length;
      this.idParts = groups.map((g) => {
        const [head, tail] = canonicalJson({ ...g.content, seed: SEED_MARK }).split(
          JSON.stringify(SEED_MARK),
        );
        return [head, tail] as const;
      });
    }
    this.size = this.groups.length * this.units;
    this.hash = contentHash(
      {
        groups: this.groups.map((g) => g.config).sort(),
        units: this.seeds ? this.seeds.ranges : [spec.trials?.trials, spec.trials?.batch],
      },
      32,
    );
  }

  /** Plan position of a configuration (for ordering rows by plan): Infinity if not in the plan. */
  rankOf(config: string): number {
    this.ranks ??= new Map(this.groups.map((g) => [g.config, g.index]));
    return this.ranks.get(config) ?? Number.POSITIVE_INFINITY;
  }
  private ranks: Map<string, number> | null = null;

  /** The group and unit of task i. */
  slot(i: number): PlanSlot {
    if (this.seeds === null) return { group: Math.floor(i / this.units), unit: i % this.units };
    const o = this.optimizers;
    const perVariant = this.units * o;
    const v = Math.floor(i / perVariant);
    const r = i - v * perVariant;
    return { group: v * o + (r % o), unit: Math.floor(r / o) };
  }

  /** The unit's key in an out dir's done-set: the seed, or a trials batch's first trial index. */
  unitKey(unit: number): number {
    return this.seeds ? this.seeds.at(unit) : unit * this.spec.trials!.batch;
  }

  /** Task i of the plan. */
  task(i: number): Task {
    const { group, unit } = this.slot(i);
    return this.taskOf(group, unit);
  }

  taskOf(group: number, unit: number): Task {
    const g = this.groups[group];
    const study = this.spec.name;
    if (this.seeds) return taskAtSeed(this.blockOf(group, []), this.seeds.at(unit));
    const t = this.spec.trials!;
    const firstTrial = unit * t.batch;
    const body = {
      kind: 'hessian-trials' as const,
      studySeed: this.spec.seed,
      params: { ...(g.content as object), trials: Math.min(t.batch, t.trials - firstTrial), firstTrial },
    } as Omit<TrialsTask, 'id' | 'study'>;
    return { ...body, id: taskId(body), study, config: g.config };
  }

  /** Seeds of one optimizer group as a block (a pool thread builds the tasks: shared/study/block.ts). */
  blockOf(group: number, seeds: readonly number[]): SeedBlock {
    if (!this.seeds) throw new Error('blockOf: a trials study has no seeds');
    const g = this.groups[group];
    const [idHead, idTail] = this.idParts[group];
    return {
      body: g.content as SeedBlock['body'],
      config: g.config,
      study: this.spec.name,
      idHead,
      idTail,
      seeds,
    };
  }

  /** Every task from index `from` on, in plan order. */
  *tasks(from = 0): Generator<Task> {
    for (let i = from; i < this.size; i++) yield this.task(i);
  }
}

const SEED_MARK = '\u0000seed\u0000';

function trialsConfig(studySeed: number, point: Readonly<Record<string, unknown>>): string {
  return contentHash({ kind: 'hessian-trials', studySeed, ...point }, CONFIG_CHARS);
}

/**
 * The configuration hash of a task, from the task alone: what all its group's tasks share (for
 * a trials batch, its point without its trial range). The plan gives its tasks the same value.
 */
export function configOf(task: Task): string {
  if (task.config) return task.config;
  if (task.kind === 'optimize') {
    const { kind, studySeed, problem, optimizer, stop, record } = task;
    return contentHash({ kind, studySeed, problem, optimizer, stop, record }, CONFIG_CHARS);
  }
  const { trials: _t, firstTrial: _f, ...point } = task.params;
  return trialsConfig(task.studySeed, point);
}

/** Items deduplicated by canonical JSON, first occurrence kept. */
function unique<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = canonicalJson(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Every task of a study, in plan order (StudyPlan). Materializes the plan: for tests and small studies. */
export function expandStudy(spec: StudySpec): Task[] {
  return [...new StudyPlan(spec).tasks()];
}

/** The plan hash of a spec (StudyPlan.hash). */
export function planHash(spec: StudySpec): string {
  return new StudyPlan(spec).hash;
}
