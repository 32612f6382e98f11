import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option } from 'commander';

/** Exit codes: 0 ok, 1 failure, 2 bad input (README, "CLI"). */
export const EXIT = { ok: 0, failure: 1, input: 2 } as const;

/**
 * A positive integer flag, in decimal digits only: Number() would also take `1e3`, `0x10`, `0b11`
 * or ` 12 `, none of which a user types meaning a count.
 */
export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER, why = '') {
  return (v: string) => {
    const n = /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} must be a positive integer in decimal digits, got '${v}'`);
    if (n > max) throw new InvalidArgumentError(`${name} must be at most ${max}${why}, got ${v}`);
    return n;
  };
}

/**
 * Most pool threads a process starts: beyond a few per core they only add memory (each thread
 * holds its own heap and compiled kernels), and a mistyped count exhausts it.
 */
export const MAX_THREADS = Math.max(16, 4 * availableParallelism());
export const threadsFlag = () =>
  positiveInt('--threads', MAX_THREADS, ` (4 × the ${availableParallelism()} cores here, at least 16)`);

export const logFormatOption = () =>
  new Option('--log-format <format>', 'log lines on stderr: text or json')
    .choices(['text', 'json'])
    .default('text');
