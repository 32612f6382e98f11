import { availableParallelism } from 'node:os';
import { type Command, Option } from 'commander';
import { InputError } from '../../shared/study/errors.js';
import { addNatsOptions, type NatsFlags, resolveConnection } from '../../worker/nats/connection.js';
import { NatsWorker } from '../../worker/nats-worker.js';
import { type LogFormat, makeLogger } from '../logger.js';
import { logFormatOption, threadsFlag } from './common.js';

interface WorkerFlags extends NatsFlags {
  threads: number;
  healthPort?: number;
  logFormat: LogFormat;
  engine: 'f64' | 'tfjs';
}

function port(v: string): number {
  const n = /^[0-9]+$/.test(v) ? Number(v) : Number.NaN; // decimal digits only, as every count
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InputError(`--health-port must be a port (0–65535), got '${v}'`);
  return n;
}

function drainTimeout(): number | undefined {
  const v = process.env.DRAIN_TIMEOUT_SECONDS;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new InputError(`DRAIN_TIMEOUT_SECONDS must be a positive number, got '${v}'`);
  return n * 1000;
}

export function registerWorker(program: Command): void {
  const cmd = program
    .command('worker')
    .description(
      'pull tasks from NATS JetStream and run them on a pool of threads, until SIGTERM (then drain: finish the tasks in flight, exit 0)',
    )
    .addOption(
      new Option('--threads <n>', 'pool threads (default: the cores)')
        .argParser(threadsFlag())
        .default(availableParallelism()),
    )
    .addOption(
      new Option('--health-port <n>', 'serve GET /healthz and /readyz on this port (default: off)')
        .argParser(port)
        .env('HEALTH_PORT'),
    )
    .addOption(
      new Option(
        '--engine <name>',
        'tfjs: also run tfjs-engine tasks, batched on one tfjs thread (f64 tasks always run on the pool)',
      )
        .choices(['f64', 'tfjs'])
        .default('f64')
        .env('SADDLESCOPE_ENGINE'),
    )
    .addOption(logFormatOption());
  addNatsOptions(cmd, true).action(async (o: WorkerFlags) => {
    const log = makeLogger(o.logFormat);
    const worker = new NatsWorker({
      connection: resolveConnection(o, `saddlescope-worker`),
      threads: o.threads,
      log,
      healthPort: o.healthPort,
      healthHost: process.env.HEALTH_HOST || undefined,
      drainTimeoutMs: drainTimeout(),
      tfjs: o.engine === 'tfjs',
    });
    process.on('SIGTERM', () => worker.drain('SIGTERM'));
    process.on('SIGINT', () => worker.drain('SIGINT'));
    // SIGTERM while still connecting ends the worker at once (exited), without waiting for start().
    const code = await Promise.race([worker.exited, worker.start().then(() => worker.exited)]).catch(
      async (e) => {
        await worker.stop();
        throw e;
      },
    );
    // Nothing else may keep the process up after a drain: exit with its code.
    process.exit(code);
  });
}
