import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { AnyRow } from '../shared/study/result.js';
import type { TransportStats } from './transport/types.js';

/** Counts by outcome so far: status, and class among converged runs. */
export class OutcomeCounts {
  readonly counts = new Map<string, number>();

  add(row: AnyRow): void {
    const key =
      'status' in row
        ? row.status === 'converged'
          ? (row.point_class ?? 'converged')
          : row.status
        : row.message
          ? 'error'
          : 'batches';
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  toString(): string {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ');
  }
}

/**
 * Progress of a run: a bar on a TTY (done/total, rate, ETA, outcomes), otherwise a log line every
 * few seconds. `stats` supplies transport facts (tasks in flight, workers seen, redeliveries).
 */
export class Progress {
  private readonly outcomes = new OutcomeCounts();
  private readonly bar: cliProgress.SingleBar | null;
  private readonly started = Date.now();
  private lastLog = 0;
  private done: number;
  private readonly startDone: number;

  constructor(
    private readonly total: number,
    already: number,
    private readonly log: Logger,
    private readonly stats: () => TransportStats,
    tty = Boolean(process.stderr.isTTY),
  ) {
    this.done = already;
    this.startDone = already;
    this.bar = tty
      ? new cliProgress.SingleBar(
          {
            format: '{bar} {value}/{total} | {rate}/s | ETA {eta_formatted} | {outcomes}{transport}',
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 200,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.bar?.start(total, already, this.payload());
  }

  private rate(): number {
    return (this.done - this.startDone) / Math.max(1e-3, (Date.now() - this.started) / 1000);
  }

  private payload() {
    const s = this.stats();
    const parts = [
      s.workers !== undefined ? `workers ${s.workers}` : '',
      `in flight ${s.inFlight}`,
      s.redeliveries ? `redelivered ${s.redeliveries}` : '',
    ];
    return {
      rate: this.rate().toFixed(1),
      outcomes: this.outcomes.toString(),
      transport: ` | ${parts.filter(Boolean).join(', ')}`,
    };
  }

  add(row: AnyRow): void {
    this.done++;
    this.outcomes.add(row);
    if (this.bar) {
      this.bar.update(this.done, this.payload());
      return;
    }
    const now = Date.now();
    if (now - this.lastLog > 5000 || this.done === this.total) {
      this.lastLog = now;
      const p = this.payload();
      this.log.info(`${this.done}/${this.total} tasks | ${p.rate}/s | ${p.outcomes}${p.transport}`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
