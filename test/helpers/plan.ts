/** Assertions on the tasks a study spec plans. */
import type { ExecutionContext } from 'ava';
import { expandStudy } from '../../shared/study/plan.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';

/**
 * A spec without the new optimizer `fields` keeps its task ids: asserts that `spec` plans tasks with
 * the ids `recorded` before the fields existed, none of whose optimizers carries any of the fields.
 */
export function keepsRecordedIds(
  t: ExecutionContext,
  spec: string,
  recorded: readonly string[],
  fields: readonly string[],
  message?: string,
): void {
  const tasks = expandStudy(parseSpec(spec)) as OptimizeTask[];
  t.deepEqual(
    tasks.map((x) => x.id),
    recorded,
  );
  t.false(
    tasks.some((x) => fields.some((f) => f in x.optimizer)),
    message,
  );
}
