import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { type LogFormat, makeLogger } from '../logger.js';
import { planStudy, runStudy } from '../run-study.js';
import { formatStudySummary, studySummary } from '../study-summary.js';
import { LocalTransport } from '../transport/local.js';
import { EXIT, logFormatOption, positiveInt } from './common.js';

interface RunFlags {
  out?: string;
  threads: number;
  seeds?: number;
  resume?: boolean;
  logFormat: LogFormat;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a study (the tasks that have no row yet) and write its tables to the out dir')
    .argument('<study.yaml>', 'study spec')
    .option('--out <dir>', 'out dir (default: out/<study name>)')
    .option(
      '--threads <n>',
      'worker threads (default: the cores)',
      positiveInt('--threads'),
      availableParallelism(),
    )
    .option('--seeds <n>', 'run seeds 0 … n−1 instead of the spec’s', positiveInt('--seeds'))
    .option('--resume', 'require the out dir to hold this study already (reruns always resume)')
    .addOption(logFormatOption())
    .action(async (specPath: string, o: RunFlags) => {
      const log = makeLogger(o.logFormat);
      const plan = planStudy(specPath, o.seeds);
      const abort = new AbortController();
      const stop = () => {
        log.warn('interrupted: stopping after the tasks in flight; rerun the same command to resume');
        abort.abort();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const r = await runStudy(plan, {
        out: o.out,
        resume: o.resume,
        log,
        signal: abort.signal,
        transport: () => new LocalTransport(o.threads),
      });
      log.info(`${r.ranNow} tasks run now; ${r.sink.allRows.length}/${r.total} rows in ${r.outDir}`);
      const order = plan.tasks.map((t) => t.id);
      console.log(
        formatStudySummary(studySummary({ runs: [...r.sink.rows], trials: [...r.sink.trialRows] }, order)),
      );
      if (!r.complete) process.exitCode = EXIT.failure;
    });
}
