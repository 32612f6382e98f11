import type { Column } from '../study/columns.js';
import { RUN_COLUMNS } from '../study/runs-columns.js';
import { TRIAL_COLUMNS } from '../study/trials-columns.js';

/**
 * Columns a row shares with every row of its configuration: stored once, in the variants table
 * (coordinator/store/variants.ts), and joined back when rows are read, not repeated in segments.
 */
export const JOINED_COLUMNS: ReadonlySet<string> = new Set(['problem_params', 'optimizer_params', 'task']);

/** The columns of the runs and trials segments on disk. */
export const STORED_RUN_COLUMNS: readonly Column[] = RUN_COLUMNS.filter((c) => !JOINED_COLUMNS.has(c.name));
export const STORED_TRIAL_COLUMNS: readonly Column[] = TRIAL_COLUMNS.filter(
  (c) => !JOINED_COLUMNS.has(c.name),
);
