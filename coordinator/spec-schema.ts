import { z } from 'zod';
import { StudySpec } from '../shared/study/spec.js';

/**
 * The JSON Schema of a study spec as written (zod's input side: defaults optional), from the one
 * zod schema that validates specs. Checks across fields (an engine must suit every problem) are
 * code, not schema: an editor completes and checks fields, `saddlescope validate` the rest.
 */
export function specJsonSchema(): string {
  const schema = z.toJSONSchema(StudySpec, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'saddlescope study spec' }, null, 2)}\n`;
}
