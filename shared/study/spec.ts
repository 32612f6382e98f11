import { parse as parseYaml } from 'yaml';
import { boundIssues } from './bounds.js';
import { describeIssue, formatPath, InputError, inputErrorFrom } from './errors.js';
import { MAX_SPEC_BYTES } from './limits.js';
import { ProblemSpec, problemKind } from './problem-spec.js';
import { StudySpec } from './spec-schema.js';

// The schema has its own file so that what checks a parsed spec (bounds.ts, estimate.ts) can
// name its type without importing the validation that calls them.
export { StudySpec };

/**
 * Every swept value against every problem it applies to, one line each: a sweep names values of
 * problem fields, so each must be valid where the problem's own value would be.
 */
function sweepIssues(spec: StudySpec): string[] {
  const problems = spec.problems ?? (spec.problem ? [spec.problem] : []);
  const out: string[] = [];
  for (const [key, values] of Object.entries(spec.sweep ?? {})) {
    if (key === 'kind') {
      out.push("sweep.kind: a problem's kind cannot be swept: list one problem per kind under `problems`");
      continue;
    }
    problems.forEach((p, i) => {
      const which = problems.length > 1 ? ` (problems[${i}], ${p.kind})` : '';
      if (!(key in problemKind(p.kind).schema.shape)) {
        out.push(`sweep.${key}: not a parameter of problem '${p.kind}'${which}`);
        return;
      }
      values.forEach((v, j) => {
        const r = ProblemSpec.safeParse({ ...p, [key]: v });
        if (r.success) return;
        const why = r.error.issues.map((iss) => describeIssue(iss).replace(/^[^:]*: /, '')).join('; ');
        out.push(`sweep.${key}[${j}]: ${why}${which}`);
      });
    });
  }
  return out;
}

/** A value given outside the spec (a CLI flag) that replaces one of its top-level fields. */
export interface SpecOverride {
  readonly field: 'seeds';
  readonly value: unknown;
  /** How the user wrote it, for messages: `--seeds`. */
  readonly flag: string;
}

/**
 * Validates a parsed spec, with any overrides applied, against its schema, its sweep and its
 * bounds (bounds.ts); throws InputError naming every field at fault.
 */
export function validateSpec(
  raw: unknown,
  source = 'study spec',
  overrides: readonly SpecOverride[] = [],
): StudySpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new InputError(`invalid ${source}: a study spec is a mapping of fields (name, seed, problem, …)`);
  const input = { ...(raw as Record<string, unknown>) };
  for (const o of overrides) input[o.field] = o.value;
  const flagged = (line: string) => {
    const o = overrides.find((x) => line.startsWith(`${x.field}:`) || line.startsWith(`${x.field}[`));
    return o ? line.replace(o.field, `${o.field} (${o.flag})`) : line;
  };
  const r = StudySpec.safeParse(input);
  if (!r.success) {
    const e = inputErrorFrom(`invalid ${source}`, r.error);
    throw new InputError(
      `invalid ${source}:\n  ${e.problems.map(flagged).join('\n  ')}`,
      e.problems.map(flagged),
    );
  }
  let lines = sweepIssues(r.data);
  // Bounds are estimated from the problems' sizes: only once every swept value is one.
  if (lines.length === 0) lines = boundIssues(r.data).map((i) => `${formatPath(i.path)}: ${i.message}`);
  if (lines.length > 0) {
    lines = lines.map(flagged);
    throw new InputError(`invalid ${source}:\n  ${lines.join('\n  ')}`, lines);
  }
  return r.data;
}

/** Parses YAML text and validates it (with any overrides: validateSpec). */
export function parseSpec(
  text: string,
  source = 'study spec',
  overrides: readonly SpecOverride[] = [],
): StudySpec {
  if (text.length > MAX_SPEC_BYTES)
    throw new InputError(
      `${source}: ${text.length.toLocaleString('en-US')} characters, more than a study spec may hold (${MAX_SPEC_BYTES.toLocaleString('en-US')}): write seeds as a number, not a list`,
    );
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new InputError(`${source}: not valid YAML: ${(e as Error).message}`);
  }
  return validateSpec(raw, source, overrides);
}
