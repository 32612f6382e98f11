/**
 * What a coordinator says when it takes up a study: results read back from the results stream,
 * tasks still queued, tasks it publishes. Each task is in one count at most, so with a drained
 * window they add up to the plan with the rows already done (test/cluster/faults.test.ts): a
 * queued task whose result was read back may not be acked yet, and counting it as queued too had
 * made the numbers add up to more than the plan.
 */
export function resumeLine(o: {
  readonly key: string;
  readonly epoch: number;
  /** Results read back that became new rows. */
  readonly readBack: number;
  readonly queued: ReadonlySet<string>;
  /** Tasks of the window still without a row. */
  readonly pending: ReadonlyMap<string, unknown>;
  readonly publishing: number;
  readonly window: { readonly drained: boolean; readonly size: number };
}): string {
  let queued = 0;
  for (const id of o.queued) if (o.pending.has(id)) queued++;
  const rest = o.window.drained
    ? ''
    : ` (the first ${o.window.size} of the plan's; the rest as they leave the queue)`;
  return `study ${o.key} (epoch ${o.epoch}): ${o.readBack} stored result(s) read back, ${queued} task(s) already queued, publishing ${o.publishing}${rest}`;
}
