import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OptimizerSpec } from '../optimizers/mod.js';
import { boundIssues } from './bounds.js';
import { engineIssue } from './engine.js';
import { describeIssue, formatPath, InputError, inputErrorFrom } from './errors.js';
import { Limits, MAX_SEED_LIST, MAX_SPEC_BYTES, MAX_SWEEP_VALUES } from './limits.js';
import { ProblemSpec, problemKind } from './problem-spec.js';
import { RecordSpec, StopSpec } from './settings.js';
import { TrialsSpec } from './trials-spec.js';

/** A study as written in `studies/*.yaml`. See README.md, "Study specs". */
export const StudySpec = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"'),
    description: z.string().optional(),
    /** The study seed: every task's random streams derive from it and the task's content. */
    seed: z.number().int().min(0).max(0xffffffff),
    problem: ProblemSpec.optional(),
    problems: z.array(ProblemSpec).min(1).optional(),
    /** Cartesian sweep over problem parameters, e.g. { width: [5, 10, 20, 40] }. */
    sweep: z.record(z.string(), z.array(z.unknown()).min(1).max(MAX_SWEEP_VALUES)).optional(),
    optimizers: z.array(OptimizerSpec).min(1).optional(),
    /** N (seeds 0 … N−1) or an explicit list of seeds. */
    seeds: z
      .union([z.number().int().min(1), z.array(z.number().int().min(0)).min(1).max(MAX_SEED_LIST)])
      .optional(),
    /** Tasks a pool thread takes at once (default: 256 for two-angle problems, else 1): no id or bit changes. */
    block: z.number().int().min(1).max(100_000).optional(),
    /** A random-Hessian study instead of optimizer runs. */
    trials: TrialsSpec.optional(),
    stop: StopSpec.prefault({}),
    record: RecordSpec.prefault({}),
    /** Raised bounds (limits.ts); absent, the defaults apply. */
    limits: Limits.partial().optional(),
  })
  .check((ctx) => {
    const { problem, problems, optimizers, seeds, trials, sweep } = ctx.value;
    const issue = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', input: ctx.value, path: [path], message });
    if (trials !== undefined) {
      // A trials study has no optimizer runs; mixing the two would make one plan of two kinds of rows.
      for (const [k, v] of Object.entries({ problem, problems, optimizers, seeds, sweep }))
        if (v !== undefined) issue(k, 'not allowed in a study with `trials`');
      return;
    }
    if ((problem === undefined) === (problems === undefined))
      issue('problem', 'give exactly one of `problem` or `problems` (or `trials`)');
    if (optimizers === undefined) issue('optimizers', 'required (a list of optimizers)');
    if (seeds === undefined) issue('seeds', 'required (a number of seeds or a list)');
    // An engine must suit every problem of the study (a sweep does not change a problem's kind).
    const kinds = [...new Set((problems ?? (problem ? [problem] : [])).map((p) => p.kind))];
    optimizers?.forEach((o, i) => {
      for (const kind of kinds) {
        const why = engineIssue(o, kind);
        if (why) {
          ctx.issues.push({
            code: 'custom',
            input: o,
            path: ['optimizers', i, ...why.path],
            message: why.message,
          });
          return;
        }
      }
    });
  });
export type StudySpec = z.output<typeof StudySpec>;

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
