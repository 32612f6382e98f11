import type { Command } from 'commander';
import { describeRow, formatTrace, replay } from '../replay.js';
import { EXIT } from './common.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('rerun one task in the foreground with its trace; check it reproduces its row bit for bit')
    .argument('<dir>', 'out dir of a study')
    .argument('<task-id>', 'task id (or a unique prefix)')
    .action((dir: string, id: string) => {
      const r = replay(dir, id);
      if (r.history) console.log(formatTrace(r.history));
      console.log(`task ${r.row.task_id}: ${describeRow(r.replayed)}`);
      if (r.differences.length === 0)
        console.log('reproduced bit for bit (all columns but wall_ms and worker)');
      else {
        console.log(`NOT reproduced: columns differ: ${r.differences.join(', ')}`);
        process.exitCode = EXIT.failure;
      }
    });
}
