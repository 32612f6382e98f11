/** Hex digits of a task id (taskId in task.ts: 80 bits of SHA-256). */
export const TASK_ID_CHARS = 20;

/** A task id as a regular-expression source, for patterns that embed one (subjects, headers). */
export const TASK_ID_SOURCE = `[0-9a-f]{${TASK_ID_CHARS}}`;

/** Exactly a task id. */
export const TASK_ID = new RegExp(`^${TASK_ID_SOURCE}$`);

/** Hex digits of a configuration's hash (configOf in plan.ts: what a group of tasks shares). */
export const CONFIG_CHARS = 12;

/** Exactly a configuration hash. */
export const CONFIG_ID = new RegExp(`^[0-9a-f]{${CONFIG_CHARS}}$`);
