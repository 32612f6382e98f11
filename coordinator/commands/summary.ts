import type { Command } from 'commander';
import { expandStudy } from '../../shared/study/expand.js';
import { readManifest } from '../out-dir.js';
import { loadResults } from '../sink.js';
import { arraySource, formatStudySummary, studySummary } from '../study-summary.js';

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description('print the aggregate table of an out dir')
    .argument('<dir>', 'out dir of a study')
    .option('--json', 'machine-readable output')
    .action((dir: string, o: { json?: boolean }) => {
      const manifest = readManifest(dir);
      const s = studySummary(
        arraySource(loadResults(dir)),
        expandStudy(manifest.spec).map((t) => t.id),
      );
      if (o.json)
        console.log(
          JSON.stringify(
            { study: manifest.name, planHash: manifest.planHash, tasks: manifest.tasks, ...s },
            null,
            2,
          ),
        );
      else console.log(`study ${manifest.name}: ${s.rows}/${manifest.tasks} rows\n${formatStudySummary(s)}`);
    });
}
