import { z } from 'zod';
import { OptimizerSpec } from '../optimizers/mod.js';
import { HessianTrialsParams } from '../trials/schema.js';
import { contentHash } from './canonical.js';
import { ProblemSpec } from './problem-spec.js';
import { RecordSpec, StopSpec } from './settings.js';
import { TASK_ID, TASK_ID_CHARS } from './task-id.js';

/**
 * One optimizer run: everything needed to reproduce it. The id is a hash of all of it but the id
 * and the study's name, so the same run planned twice (or resumed) has the same id.
 */
export const OptimizeTask = z.strictObject({
  kind: z.literal('optimize'),
  id: z.string().regex(TASK_ID),
  study: z.string(),
  studySeed: z.number().int().min(0),
  seed: z.number().int().min(0),
  problem: ProblemSpec,
  optimizer: OptimizerSpec,
  stop: StopSpec,
  record: RecordSpec,
});
export type OptimizeTask = z.output<typeof OptimizeTask>;

/** One batch of random-Hessian trials (shared/trials): params as runTrialBatch takes them. */
export const TrialsTask = z.strictObject({
  kind: z.literal('hessian-trials'),
  id: z.string().regex(TASK_ID),
  study: z.string(),
  studySeed: z.number().int().min(0),
  params: HessianTrialsParams,
});
export type TrialsTask = z.output<typeof TrialsTask>;

export const Task = z.discriminatedUnion('kind', [OptimizeTask, TrialsTask]);
export type Task = z.output<typeof Task>;

/** 80 bits of SHA-256: a collision among 10⁹ tasks has probability below 10⁻⁶. */
export function taskId(task: Omit<Task, 'id' | 'study'>): string {
  return contentHash(task, TASK_ID_CHARS);
}
