import type { Command } from 'commander';
import { describeRow, formatTrace, type ReplayOutcome, replay } from '../replay.js';
import { EXIT } from './common.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('rerun one task in the foreground with its trace; check it reproduces its row bit for bit')
    .argument('<dir>', 'out dir of a study')
    .argument('<task-id>', 'task id (or a unique prefix)')
    .action(async (dir: string, id: string) => {
      const r = await replay(dir, id);
      if (r.history) console.log(formatTrace(r.history));
      console.log(`task ${r.row.task_id}: ${describeRow(r.replayed)}`);
      if (r.tfjsBackend !== undefined) {
        // float32 on a backend, in a batch: not a bit-for-bit engine (README, "Engines").
        console.log(
          `tfjs row, replayed alone on ${r.tfjsBackend}: ${r.differences.length === 0 ? 'reproduced bit for bit' : `columns that moved (float32): ${describe(r)}`}`,
        );
        return;
      }
      if (r.differences.length === 0)
        console.log('reproduced bit for bit (all columns but wall_ms and worker)');
      else {
        console.log(`NOT reproduced: columns differ: ${r.differences.join(', ')}`);
        process.exitCode = EXIT.failure;
      }
    });
}

/** "loss 3.1e-7, grad_norm 2.0e-6, final_params …": each differing column with its largest relative change. */
function describe(r: ReplayOutcome): string {
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
  return r.differences
    .map((k) => {
      const [a, b] = [(r.row as never)[k] as unknown, (r.replayed as never)[k] as unknown];
      if (typeof a === 'number' && typeof b === 'number') return `${k} ${rel(a, b).toExponential(1)}`;
      if (a instanceof Float64Array && b instanceof Float64Array && a.length === b.length) {
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        return `${k} max |Δ| ${worst.toExponential(1)}`;
      }
      return k;
    })
    .join(', ');
}
