import { z } from 'zod';
import { OptimizerSpec } from '../optimizers/mod.js';
import { HessianTrialsParams } from '../trials/schema.js';
import { contentHash } from './canonical.js';
import { ProblemSpec } from './problem-spec.js';
import { RecordSpec, StopSpec } from './settings.js';
import { CONFIG_ID, TASK_ID, TASK_ID_CHARS } from './task-id.js';

/**
 * One optimizer run: everything needed to reproduce it. The id is a hash of all of it but the id
 * and the study's name, so the same run planned twice (or resumed) has the same id.
 */
/** A configuration's hash (shared/study/plan.ts): names the task's group, not part of its id. */
const Config = z.string().regex(CONFIG_ID);

export const OptimizeTask = z.strictObject({
  kind: z.literal('optimize'),
  id: z.string().regex(TASK_ID),
  study: z.string(),
  config: Config.optional(),
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
  config: Config.optional(),
  studySeed: z.number().int().min(0),
  params: HessianTrialsParams,
});
export type TrialsTask = z.output<typeof TrialsTask>;

export const Task = z.discriminatedUnion('kind', [OptimizeTask, TrialsTask]);
export type Task = z.output<typeof Task>;

/** What a task's id hashes: all of it but its id, its study's name and its configuration's hash. */
export type TaskContent = Task extends infer T
  ? T extends Task
    ? Omit<T, 'id' | 'study' | 'config'>
    : never
  : never;

/** 80 bits of SHA-256: a collision among 10⁹ tasks has probability below 10⁻⁶. */
export function taskId(task: TaskContent): string {
  return contentHash(task, TASK_ID_CHARS);
}

/** A task's content: the task without the fields its id does not hash. */
export function taskContent(task: Task): TaskContent {
  const { id: _id, study: _study, config: _config, ...content } = task;
  return content as TaskContent;
}
