import type { Command } from 'commander';
import { StudyPlan } from '../../shared/study/plan.js';
import { readManifest } from '../out-dir.js';
import { StoredResults } from '../store/read.js';
import { formatStudySummary, studySummary } from '../study-summary.js';
import { SUMMARY_COLUMNS } from '../summary.js';

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description('print the aggregate table of an out dir')
    .argument('<dir>', 'out dir of a study')
    .option('--json', 'machine-readable output')
    .action((dir: string, o: { json?: boolean }) => {
      const manifest = readManifest(dir);
      const plan = new StudyPlan(manifest.spec);
      const stored = new StoredResults(dir);
      const s = studySummary({ runs: stored.runColumns(SUMMARY_COLUMNS), trials: stored.trials() }, (r) =>
        plan.rankOf(r.config),
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
