import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SeedBlock } from '../shared/study/block.js';
import { InputError } from '../shared/study/errors.js';
import { StudyPlan } from '../shared/study/plan.js';
import type { RunRow } from '../shared/study/result.js';
import type { StudySpec } from '../shared/study/spec.js';
import type { Task } from '../shared/study/task.js';
import { outFiles, prepareOutDir, type StudyManifest } from './out-dir.js';
import { Progress } from './progress.js';
import { ResultSink } from './sink.js';
import { readSpecFile } from './spec-file.js';
import { recordVariants } from './store/variants.js';
import type { Transport } from './transport/types.js';

export interface PlannedStudy {
  readonly spec: StudySpec;
  readonly plan: StudyPlan;
  readonly planHash: string;
  /** Every task, materialized: for small studies and tests (the plan itself is lazy). */
  readonly tasks: Task[];
}

export function plannedStudy(spec: StudySpec): PlannedStudy {
  const plan = new StudyPlan(spec);
  let tasks: Task[] | null = null;
  return {
    spec,
    plan,
    planHash: plan.hash,
    get tasks() {
      tasks ??= [...plan.tasks()];
      return tasks;
    },
  };
}

/** Reads, validates and plans a spec file; --seeds N replaces the spec's seeds by 0 … N−1. */
export function planStudy(path: string, seeds?: number, overrides: readonly string[] = []): PlannedStudy {
  // Command-line overrides (`stop.maxIter=50`), validated with the file: shared/study/overrides.ts.
  const spec = readSpecFile(
    path,
    seeds === undefined ? [] : [{ field: 'seeds', value: seeds, flag: '--seeds' }],
    overrides,
  );
  return plannedStudy(spec);
}

export interface RunOptions {
  readonly out?: string;
  readonly resume?: boolean;
  readonly log: Logger;
  readonly transport: () => Transport;
  readonly signal?: AbortSignal;
}

export interface RunOutcome {
  readonly manifest: StudyManifest;
  readonly outDir: string;
  readonly total: number;
  readonly ranNow: number;
  readonly complete: boolean;
  readonly sink: ResultSink;
}

/** The plan's tasks that have no row in the sink, in plan order, computed as they are taken. */
export function* pendingTasks(plan: StudyPlan, sink: ResultSink): Generator<Task> {
  for (let i = 0; i < plan.size; i++) {
    const { group, unit } = plan.slot(i);
    if (!sink.has(plan.groups[group].config, plan.unitKey(unit))) yield plan.taskOf(group, unit);
  }
}

/**
 * The same pending tasks as seed blocks of one configuration each (SeedBlock), for a transport
 * that runs many seeds a message: up to `sizeOf(body)` seeds a block. A plan alternates its
 * optimizers seed by seed, so each configuration's seeds are gathered from a window of the plan;
 * rows are keyed by (config, seed), never by order. Optimizer studies only (a trials study has no seeds).
 */
export function* pendingBlocks(
  plan: StudyPlan,
  sink: ResultSink,
  sizeOf: (body: SeedBlock['body']) => number,
): Generator<SeedBlock> {
  const open = new Map<number, number[]>();
  const limit = (g: number) => Math.max(1, sizeOf(plan.groups[g].content as SeedBlock['body']));
  for (let i = 0; i < plan.size; i++) {
    const { group, unit } = plan.slot(i);
    const seed = plan.unitKey(unit);
    if (sink.has(plan.groups[group].config, seed)) continue;
    const seeds = open.get(group) ?? [];
    if (seeds.length === 0) open.set(group, seeds);
    seeds.push(seed);
    if (seeds.length >= limit(group)) {
      open.delete(group);
      yield plan.blockOf(group, seeds);
    }
  }
  for (const [group, seeds] of open) yield plan.blockOf(group, seeds);
}

/**
 * Runs the tasks of a planned study that have no row yet, through a transport, into an out dir.
 * Validation and the out-dir check happen before anything is written.
 */
export async function runStudy(p: PlannedStudy, o: RunOptions): Promise<RunOutcome> {
  const outDir = o.out ?? join('out', p.spec.name);
  if (o.resume && !existsSync(outFiles(outDir).study))
    throw new InputError(`--resume: ${outDir} holds no study to resume`);
  const manifest = prepareOutDir(outDir, p.plan);
  const sink = new ResultSink(outDir);
  for (const n of sink.notes.recovered) o.log.warn(`${outDir}: ${n}`);
  for (const d of sink.notes.journalDamage)
    o.log.error(
      `${outDir}: journal damaged at byte ${d.offset} (${d.bytes} bytes: ${d.reason}); the records around it were kept`,
    );
  if (sink.notes.tornTail > 0)
    o.log.warn(
      `${outDir}: the journal's last record was cut short by a kill (${sink.notes.tornTail} bytes, a task that was not acked): it runs again`,
    );
  const total = p.plan.size;
  let complete = false;
  try {
    recordVariants(outDir, p.plan);
    const done = sink.size;
    o.log.info(
      `study ${p.spec.name}: ${total} tasks, ${done} already done, ${total - done} to run → ${outDir}`,
    );
    const transport = o.transport();
    const progress = new Progress(total, done, o.log, () => transport.stats());
    try {
      await transport.run(
        Object.assign(pendingTasks(p.plan, sink), {
          count: total - done,
          blocks: p.plan.seeds
            ? (sizeOf: (body: SeedBlock['body']) => number) => pendingBlocks(p.plan, sink, sizeOf)
            : undefined,
        }),
        {
          add: (r) => {
            if (sink.add(r)) progress.add(r.row);
          },
          addAll: (rs) => {
            for (const r of sink.addAll(rs)) progress.add(r.row);
          },
          addRunsIpc: (block, runs) => {
            for (const [fields, n] of sink.addRunsIpc(block.config, block.seeds, runs))
              progress.addMany(fields as RunRow, n);
          },
          flush: () => sink.flush(),
        },
        o.signal,
      );
    } finally {
      progress.stop();
      await transport.close();
    }
  } finally {
    sink.close();
  }
  complete = sink.size >= total;
  return { manifest, outDir, total, ranNow: sink.newRows, complete, sink };
}
