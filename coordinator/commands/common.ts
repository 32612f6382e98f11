import { InvalidArgumentError, Option } from 'commander';

/** Exit codes: 0 ok, 1 failure, 2 bad input (README, "CLI"). */
export const EXIT = { ok: 0, failure: 1, input: 2 } as const;

export function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

export const logFormatOption = () =>
  new Option('--log-format <format>', 'log lines on stderr: text or json')
    .choices(['text', 'json'])
    .default('text');
