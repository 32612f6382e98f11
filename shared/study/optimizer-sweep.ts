import { z } from 'zod';
import { OptimizerSpec } from '../optimizers/mod.js';
import { describeIssue } from './errors.js';

/**
 * Sweeps of optimizer parameters, written inside the optimizer entry and crossed:
 * `{ kind: newton, alpha: 1, sweep: { lambda: [1e-4, 1e-2], alpha: [0.5, 1] } }` is four Newton
 * configurations (a swept key's value replaces the entry's own). Each variant is validated with
 * its optimizer's schema, and an error names the value at fault (`optimizers[0].sweep.lambda[1]`).
 * A variant is an ordinary optimizer spec (defaults filled, no `sweep`): the same configuration
 * written out by hand is the same task (same id).
 */
const SweepValues = z.record(z.string(), z.array(z.unknown()).min(1));

/** One optimizer entry of a study: an optimizer spec, optionally with its own `sweep`. */
export const OptimizerEntry = z.looseObject({ sweep: SweepValues.optional() }).transform((entry, ctx) => {
  const { sweep, ...base } = entry;
  const parsed = OptimizerSpec.safeParse(base);
  if (!parsed.success) {
    ctx.issues.push(...(parsed.error.issues as z.core.$ZodRawIssue[]));
    return z.NEVER;
  }
  if (sweep === undefined) return parsed.data as OptimizerEntry;
  const fields = fieldsOf(parsed.data.kind);
  for (const [key, values] of Object.entries(sweep)) {
    if (key === 'kind' || !fields.includes(key)) {
      const message = `not a parameter of optimizer '${parsed.data.kind}'${fields.length ? ` (its parameters: ${fields.join(', ')})` : ''}`;
      ctx.issues.push({ code: 'custom', input: sweep, path: ['sweep', key], message });
      continue;
    }
    values.forEach((v, j) => {
      const r = OptimizerSpec.safeParse({ ...base, [key]: v });
      if (!r.success)
        ctx.issues.push({
          code: 'custom',
          input: v,
          path: ['sweep', key, j],
          message: r.error.issues.map((iss) => describeIssue(iss).replace(/^[^:]*: /, '')).join('; '),
        });
    });
  }
  return { ...parsed.data, sweep } as OptimizerEntry;
});
export type OptimizerEntry = OptimizerSpec & { sweep?: Record<string, unknown[]> };

/** The parameters of an optimizer kind a sweep may set (every field of its schema but `kind`). */
function fieldsOf(kind: string): string[] {
  const option = OptimizerSpec.options.find((o) => o.shape.kind.value === kind);
  return Object.keys(option?.shape ?? {}).filter((k) => k !== 'kind');
}

/** One entry's configurations: its sweep crossed in the order written (first key outermost). */
export function entryVariants(entry: OptimizerEntry): OptimizerSpec[] {
  const { sweep, ...base } = entry;
  let variants: Record<string, unknown>[] = [base];
  for (const [key, values] of Object.entries(sweep ?? {}))
    variants = variants.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
  // Validated when the spec was parsed (OptimizerEntry); parsing again fills the defaults of a
  // swept value's neighbours exactly as a hand-written entry's.
  return variants.map((o) => OptimizerSpec.parse(o));
}

/** Every optimizer configuration of a study, entry by entry, each entry's sweep crossed. */
export function optimizerVariants(spec: { optimizers?: readonly OptimizerEntry[] }): OptimizerSpec[] {
  return (spec.optimizers ?? []).flatMap(entryVariants);
}
