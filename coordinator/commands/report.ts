import type { Command } from 'commander';
import { type LogFormat, makeLogger } from '../logger.js';
import { writeReport } from '../report/report.js';
import { logFormatOption } from './common.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write DIR/report/: index.html, summary.md and the figures (SVG and PNG)')
    .argument('<dir>', 'out dir of a study')
    .addOption(logFormatOption())
    .action(async (dir: string, o: { logFormat: LogFormat }) => {
      const r = await writeReport(dir, makeLogger(o.logFormat));
      console.log(r.html);
    });
}
