import type { Command } from 'commander';
import { readManifest } from '../out-dir.js';
import { ResultSink } from '../sink.js';
import { compactSegments } from '../store/compact.js';

/** `compact`: rewrite an out dir's segments as few large ones (optional; atomic; coordinator/store/compact.ts). */
export function registerCompact(program: Command): void {
  program
    .command('compact')
    .description(
      'rewrite the many small segments of an out dir as few large ones, rows unchanged (optional, atomic)',
    )
    .argument('<dir>', 'out dir of a study (not being run)')
    .action((dir: string) => {
      // Opening the sink takes the out dir's lock, recovers an interrupted commit or compaction and
      // moves any journaled results into a segment, so that compaction starts from a clean dir.
      readManifest(dir);
      const sink = new ResultSink(dir);
      try {
        const { before, after } = compactSegments(dir);
        console.log(`${dir}: ${before} segment(s) → ${after}; ${sink.size} rows`);
      } finally {
        sink.close();
      }
    });
}
