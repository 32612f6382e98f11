import type { z } from 'zod';

/** Bad input from a user (a spec, a flag): the CLI exits 2 and writes nothing. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}

/** `optimizers[1].lambda` from ['optimizers', 1, 'lambda']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(top level)';
}

type Issue = z.core.$ZodIssue;

/** One line per zod issue: the field's path, then what is allowed. */
export function describeIssue(issue: Issue): string {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'array'
        ? `${at}: must have at least ${issue.minimum} item(s)`
        : `${at}: must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `${at}: must have at most ${issue.maximum} item(s)`
        : `${at}: must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'unrecognized_keys':
      return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key`).join('\n');
    case 'invalid_value':
      return `${at}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      if ('discriminator' in issue) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        return `${at}: must be one of ${options.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      {
        // An alternative of another type ("expected number, received array") says nothing when
        // another alternative took the value's type and found what is wrong with it.
        const typed = issue.errors.filter((alt) => !alt.every((i) => i.code === 'invalid_type'));
        const alts = typed.length > 0 ? typed : issue.errors;
        const sub = (i: Issue) =>
          describeIssue({ ...i, path: [...issue.path, ...i.path] }).replace(/^[^:]*: /, '');
        return `${at}: ${alts.map((alt) => alt.map(sub).join('; ')).join(', or ')}`;
      }
    case 'invalid_type':
      return `${at}: ${issue.message.replace(/^Invalid input: /, '')}`;
    default:
      return `${at}: ${issue.message}`;
  }
}

export function inputErrorFrom(what: string, error: z.ZodError): InputError {
  const lines = error.issues.flatMap((i) => describeIssue(i).split('\n'));
  return new InputError(`${what}:\n  ${lines.join('\n  ')}`, lines);
}
