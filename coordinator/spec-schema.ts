import { z } from 'zod';
import { OptimizerSpec } from '../shared/optimizers/mod.js';
import { StudySpec } from '../shared/study/spec.js';

type JsonSchema = Record<string, unknown>;

/**
 * An optimizer entry for editors: each optimizer's schema with the entry's own `sweep`. The study
 * schema validates entries in a transform (shared/study/optimizer-sweep.ts), which JSON Schema
 * cannot express, so this part is built from the optimizer schemas themselves.
 */
function optimizerEntrySchema(): JsonSchema {
  const base = z.toJSONSchema(OptimizerSpec, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const sweep = { type: 'object', additionalProperties: { type: 'array', minItems: 1 } };
  const withSweep = (s: JsonSchema): JsonSchema =>
    s.properties ? { ...s, properties: { ...(s.properties as JsonSchema), sweep } } : s;
  const { $schema: _, ...rest } = base;
  for (const k of ['oneOf', 'anyOf'] as const)
    if (Array.isArray(rest[k])) return { ...rest, [k]: (rest[k] as JsonSchema[]).map(withSweep) };
  return withSweep(rest);
}

/**
 * The JSON Schema of a study spec as written (zod's input side: defaults optional), from the one
 * zod schema that validates specs. Checks across fields (an engine must suit every problem) are
 * code, not schema: an editor completes and checks fields, `saddlescope validate` the rest.
 */
export function specJsonSchema(): string {
  const schema = z.toJSONSchema(StudySpec, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const props = schema.properties as JsonSchema;
  if (props.optimizers)
    props.optimizers = { ...(props.optimizers as JsonSchema), items: optimizerEntrySchema() };
  return `${JSON.stringify({ ...schema, title: 'saddlescope study spec' }, null, 2)}\n`;
}
