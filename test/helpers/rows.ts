import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RecordBatch, Table, tableFromIPC } from 'apache-arrow';
import { RUN_CONTEXT_COLUMNS } from '../../shared/study/result.js';

/** An out dir's table (its folder of Arrow IPC segments, or variants.arrow), read back with apache-arrow alone. */
export function readTable(dir: string, name = 'runs'): Table {
  if (name === 'variants') return tableFromIPC(readFileSync(join(dir, 'variants.arrow')));
  const folder = join(dir, name);
  const batches: RecordBatch[] = [];
  let schema: Table['schema'] | null = null;
  for (const f of readdirSync(folder).sort()) {
    if (!/^part-\d+\.arrow$/.test(f)) continue;
    const t = tableFromIPC(readFileSync(join(folder, f)));
    schema ??= t.schema;
    batches.push(...t.batches);
  }
  return schema ? new Table(schema, batches) : new Table(batches);
}

/**
 * A table's rows as JSON-comparable objects (typed arrays as plain arrays) without the columns that
 * depend on where and when a task ran (RUN_CONTEXT_COLUMNS), ordered by task id and iteration.
 */
export function reproducibleRows(dir: string, name = 'runs'): Record<string, unknown>[] {
  return readTable(dir, name)
    .toArray()
    .map((r) => {
      const o = r.toJSON() as Record<string, unknown>;
      for (const k of RUN_CONTEXT_COLUMNS) delete o[k];
      for (const k of Object.keys(o))
        if (o[k] && typeof o[k] === 'object') o[k] = Array.from(o[k] as ArrayLike<number>);
      return o;
    })
    .sort(
      (a, b) =>
        String(a.task_id).localeCompare(String(b.task_id)) ||
        Number(a.iteration ?? 0) - Number(b.iteration ?? 0),
    );
}
