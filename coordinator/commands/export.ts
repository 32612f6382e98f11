import type { Command } from 'commander';
import { Option } from 'commander';
import { type ExportFormat, exportStudy } from '../export.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write the tables of an out dir as Parquet (zstd) or CSV, for tools that do not read Arrow IPC',
    )
    .argument('<dir>', 'out dir of a study')
    .addOption(
      new Option('--format <format>', 'parquet or csv').choices(['parquet', 'csv']).default('parquet'),
    )
    .option('--to <dir>', 'where to write (default: <dir>/export)')
    .action((dir: string, o: { format: ExportFormat; to?: string }) => {
      for (const path of exportStudy(dir, o.format, o.to)) console.log(path);
    });
}
