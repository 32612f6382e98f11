import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type LogFormat, makeLogger } from '../logger.js';
import { addNatsOptions, type NatsFlags, resolveConnection } from '../nats/connection.js';
import { planStudy, runStudy } from '../run-study.js';
import { formatStudySummary, studySummary } from '../study-summary.js';
import { LocalTransport } from '../transport/local.js';
import { NatsTransport } from '../transport/nats.js';
import { EXIT, logFormatOption, positiveInt, threadsFlag } from './common.js';

interface RunFlags extends NatsFlags {
  out?: string;
  threads: number;
  seeds?: number;
  resume?: boolean;
  logFormat: LogFormat;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a study (the tasks that have no row yet) and write its tables to the out dir')
    .argument('<study.yaml>', 'study spec')
    .option('--out <dir>', 'out dir (default: out/<study name>)')
    .option(
      '--threads <n>',
      'worker threads of the local pool (default: the cores; with --nats, workers choose)',
      threadsFlag(),
      availableParallelism(),
    )
    .option('--seeds <n>', 'run seeds 0 … n−1 instead of the spec’s', positiveInt('--seeds'))
    .option('--resume', 'require the out dir to hold this study already (reruns always resume)')
    .addOption(logFormatOption());
  // --nats URL: run through the cluster's workers instead of a local pool (README, "Running on a cluster").
  addNatsOptions(cmd, false).action(async (specPath: string, o: RunFlags) => {
    const log = makeLogger(o.logFormat);
    const plan = planStudy(specPath, o.seeds);
    const abort = new AbortController();
    const stop = () => {
      log.warn('interrupted: stopping after the tasks in flight; rerun the same command to resume');
      abort.abort();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Connect before the out dir is touched: refused credentials write nothing (exit 2).
    const outDir = o.out ?? join('out', plan.spec.name);
    const nats = o.nats
      ? await NatsTransport.connect({
          connection: resolveConnection(o, 'saddlescope-coordinator'),
          log,
          plan,
          outDir,
        })
      : null;
    const r = await runStudy(plan, {
      out: outDir,
      resume: o.resume,
      log,
      signal: abort.signal,
      transport: () => nats ?? new LocalTransport(o.threads, log, plan.spec.block),
    }).finally(() => nats?.close());
    log.info(`${r.ranNow} tasks run now; ${r.sink.size}/${r.total} rows in ${r.outDir}`);
    const stored = r.sink.results();
    console.log(
      formatStudySummary(
        studySummary({ runs: stored.runs(), trials: stored.trials() }, (row) => plan.plan.rankOf(row.config)),
      ),
    );
    if (!r.complete) process.exitCode = EXIT.failure;
  });
}
