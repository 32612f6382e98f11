#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isInputError } from '../shared/study/errors.js';
import { EXIT } from './commands/common.js';
import { registerCompact } from './commands/compact.js';
import { registerCompare } from './commands/compare.js';
import { registerExport } from './commands/export.js';
import { registerPlan } from './commands/plan.js';
import { registerReplay } from './commands/replay.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import { registerStatus } from './commands/status.js';
import { registerSummary } from './commands/summary.js';
import { registerWorker } from './commands/worker.js';
import { VERSION } from './versions.js';

const program = new Command('saddlescope')
  .description('Seeded robustness studies of optimizers on nonlinear-discretization objectives')
  .version(VERSION, '-V, --version', 'print the saddlescope version')
  .exitOverride();

// One file per command in ./commands: each registers itself here.
for (const register of [
  registerRun,
  registerPlan,
  registerSummary,
  registerCompare,
  registerReplay,
  registerExport,
  registerCompact,
  registerReport,
  registerWorker,
  registerStatus,
  registerSchema,
])
  register(program);
for (const c of program.commands) c.exitOverride();

/** An error of the operating system (ENOSPC, EROFS, EACCES, …), whose message names the path. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const x = e as NodeJS.ErrnoException;
  return (
    e instanceof Error &&
    typeof x.code === 'string' &&
    /^E[A-Z]+$/.test(x.code) &&
    typeof x.syscall === 'string'
  );
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version exit 0; usage errors (unknown option, missing argument) are bad input.
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.input;
  } else if (isInputError(e)) {
    process.stderr.write(`saddlescope: ${e.message}\n`);
    process.exitCode = EXIT.input;
  } else if (isSystemError(e)) {
    // A full disk, a read-only or vanished dir: the path and the reason, not a stack trace.
    process.stderr.write(`saddlescope: ${e.message}\n`);
    process.exitCode = EXIT.failure;
  } else {
    process.stderr.write(`saddlescope: ${(e as Error).stack ?? e}\n`);
    process.exitCode = EXIT.failure;
  }
}
