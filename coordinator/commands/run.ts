import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { addNatsOptions, type NatsFlags, resolveConnection } from '../../worker/nats/connection.js';
import { type LogFormat, makeLogger } from '../logger.js';
import { planStudy, runStudy } from '../run-study.js';
import { formatStudySummary, studySummary } from '../study-summary.js';
import { SUMMARY_COLUMNS } from '../summary.js';
import { LocalTransport } from '../transport/local.js';
import { NatsTransport } from '../transport/nats.js';
import type { Transport } from '../transport/types.js';
import { recordInvocation } from '../versions.js';
import { EXIT, logFormatOption, positiveInt, threadsFlag } from './common.js';

interface RunFlags extends NatsFlags {
  out?: string;
  threads: number;
  seeds?: number;
  resume?: boolean;
  logFormat: LogFormat;
}

/** The command line that resumes this run: the same command (reruns skip tasks that have rows). */
function resumeCommand(): string {
  const quote = (a: string) => (/^[\w@%+=:,./[\]-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  return ['saddlescope', ...process.argv.slice(2)].map(quote).join(' ');
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a study (the tasks that have no row yet) and write its tables to the out dir')
    .argument('<study.yaml>', 'study spec')
    .argument('[overrides...]', 'spec fields to set, key=value (stop.maxIter=50 optimizers[0].lambda=1e-2)')
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
  addNatsOptions(cmd, false).action(async (specPath: string, overrides: string[], o: RunFlags) => {
    const log = makeLogger(o.logFormat);
    recordInvocation(overrides);
    const plan = planStudy(specPath, o.seeds, overrides);
    const abort = new AbortController();
    const resume = resumeCommand();
    let transport: Transport | null = null;
    let interrupts = 0;
    const stop = () => {
      // The progress bar holds the cursor's line: the message starts on a line of its own.
      if (process.stderr.isTTY) process.stderr.write('\n');
      if (++interrupts > 1) {
        log.warn(`stopping at once: rows already in the journal are kept; resume with: ${resume}`);
        process.exit(130);
      }
      const inFlight = transport?.stats().inFlight ?? 0;
      log.warn(
        `interrupted: stopping after the tasks in flight (${inFlight}) finish and their rows are written; Ctrl-C again to stop at once; resume with: ${resume}`,
      );
      abort.abort();
    };
    process.on('SIGINT', stop);
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
      transport: () => {
        transport = nats ?? new LocalTransport(o.threads, log, plan.spec.block);
        return transport;
      },
    }).finally(() => nats?.close());
    log.info(`${r.ranNow} tasks run now; ${r.sink.size}/${r.total} rows in ${r.outDir}`);
    const stored = r.sink.results();
    console.log(
      formatStudySummary(
        studySummary({ runs: stored.runColumns(SUMMARY_COLUMNS), trials: stored.trials() }, (row) =>
          plan.plan.rankOf(row.config),
        ),
      ),
    );
    if (!r.complete) {
      // Last, so that it stays on screen below the summary.
      log.warn(`incomplete: ${r.sink.size}/${r.total} tasks have rows; resume with: ${resume}`);
      process.exitCode = EXIT.failure;
    }
  });
}
