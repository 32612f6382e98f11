import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { InputError } from '../shared/study/errors.js';
import { MAX_SPEC_BYTES } from '../shared/study/limits.js';
import { parseSpecWithOverrides } from '../shared/study/overrides.js';
import type { SpecOverride, StudySpec } from '../shared/study/spec.js';

/**
 * Reads and validates a study spec file, with the flags that replace its fields (`--seeds`) and
 * any `key=value` overrides (shared/study/overrides.ts). Its size is checked before it is read: a spec is a page
 * of YAML, and a file of megabytes is a mistake (a generated seed list) that would otherwise be
 * parsed, held in memory and copied into study.json.
 */
export function readSpecFile(
  path: string,
  flags: readonly SpecOverride[] = [],
  overrides: readonly string[] = [],
): StudySpec {
  let text: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const { size } = fstatSync(fd);
      if (size > MAX_SPEC_BYTES)
        throw new InputError(
          `study spec ${path}: ${size.toLocaleString('en-US')} bytes, more than a study spec may hold (${MAX_SPEC_BYTES.toLocaleString('en-US')}): write seeds as a number, not a list`,
        );
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      `cannot read study spec ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return parseSpecWithOverrides(text, path, overrides, flags);
}
