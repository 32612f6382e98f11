import { z } from 'zod';
import { PROBLEM_KINDS } from '../problems/mod.js';

/** A problem as a study names it: one of the registered kinds, with its defaults filled in. */
export type ProblemSpec = { kind: string } & Record<string, unknown>;
export const ProblemSpec = z.discriminatedUnion(
  'kind',
  PROBLEM_KINDS.map((k) => k.schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<ProblemSpec>;

export function problemKind(kind: string) {
  const k = PROBLEM_KINDS.find((p) => p.kind === kind);
  if (!k) throw new Error(`unknown problem kind '${kind}'`);
  return k;
}
