import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { InputError } from '../shared/study/errors.js';
import { expandStudy, planHash } from '../shared/study/expand.js';
import type { StudySpec } from '../shared/study/spec.js';
import type { Task } from '../shared/study/task.js';
import { outFiles, prepareOutDir, type StudyManifest } from './out-dir.js';
import { Progress } from './progress.js';
import { ResultSink } from './sink.js';
import { readSpecFile } from './spec-file.js';
import type { Transport } from './transport/types.js';

export interface PlannedStudy {
  readonly spec: StudySpec;
  readonly tasks: Task[];
  readonly planHash: string;
}

/** Reads, validates and expands a spec file; --seeds N replaces the spec's seeds by 0 … N−1. */
export function planStudy(path: string, seeds?: number): PlannedStudy {
  const spec = readSpecFile(
    path,
    seeds === undefined ? [] : [{ field: 'seeds', value: seeds, flag: '--seeds' }],
  );
  const tasks = expandStudy(spec);
  return { spec, tasks, planHash: planHash(tasks) };
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

/**
 * Runs the tasks of a planned study that have no row yet, through a transport, into an out dir.
 * Validation and the out-dir check happen before anything is written.
 */
export async function runStudy(plan: PlannedStudy, o: RunOptions): Promise<RunOutcome> {
  const outDir = o.out ?? join('out', plan.spec.name);
  if (o.resume && !existsSync(outFiles(outDir).study))
    throw new InputError(`--resume: ${outDir} holds no study to resume`);
  const manifest = prepareOutDir(outDir, plan.spec, plan.planHash, plan.tasks.length);
  const sink = new ResultSink(outDir);
  const pending = plan.tasks.filter((t) => !sink.has(t.id));
  const done = plan.tasks.length - pending.length;
  o.log.info(
    `study ${plan.spec.name}: ${plan.tasks.length} tasks, ${done} already done, ${pending.length} to run → ${outDir}`,
  );
  const transport = o.transport();
  const progress = new Progress(plan.tasks.length, done, o.log, () => transport.stats());
  try {
    await transport.run(
      pending,
      {
        add: (r) => {
          if (sink.add(r)) progress.add(r.row);
        },
        flush: () => sink.flush(),
      },
      o.signal,
    );
  } finally {
    progress.stop();
    await transport.close();
    sink.close();
  }
  const complete = plan.tasks.every((t) => sink.has(t.id));
  return { manifest, outDir, total: plan.tasks.length, ranNow: sink.newRows, complete, sink };
}
