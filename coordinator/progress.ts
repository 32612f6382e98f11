import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { AnyRow } from '../shared/study/result.js';
import { isJsonLogger } from './logger.js';
import { outcome } from './report/outcome.js';
import type { TransportStats } from './transport/types.js';

/** Counts by outcome so far (report/outcome.ts: the names figures use); trials batches as such. */
export class OutcomeCounts {
  readonly counts = new Map<string, number>();

  add(row: AnyRow, n = 1): void {
    const key = 'status' in row ? outcome(row) : row.message ? 'error' : 'batches';
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]));
  }

  toString(): string {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ');
  }
}

/** "1:02:03" or "02:03" from seconds, as tqdm writes durations. */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  const hms = [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return hms[0] > 0 ? `${hms[0]}:${two(hms[1])}:${two(hms[2])}` : `${two(hms[1])}:${two(hms[2])}`;
}

/** The state of a run at one moment: what the bar and the log lines show. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly percent: number;
  readonly elapsed_s: number;
  /** Tasks finished per second in this process (rows found already done do not count). */
  readonly rate: number;
  /** Seconds left at that rate; null before the first result of this process. */
  readonly eta_s: number | null;
  readonly counts: Record<string, number>;
  readonly in_flight: number;
  readonly workers?: number;
  readonly redeliveries?: number;
}

/**
 * Progress of a run, like tqdm: `37% |████░░| 370/1000 [00:12<00:20, 30.8/s] saddle 200 · …`.
 * On a TTY a bar on stderr; otherwise a log line every few seconds, and with --log-format json
 * the numbers as fields (done, total, percent, rate, eta_s, counts …). No ETA before the first
 * result: there is no rate to tell it by.
 */
export class Progress {
  private readonly outcomes = new OutcomeCounts();
  private readonly bar: cliProgress.SingleBar | null;
  private readonly started = Date.now();
  /**
   * The first line comes 5 s in, not at the first result: results arrive a block at a time, and a
   * rate taken after the first of a block (a resumed 10⁷-run study printed 2.17/s, ETA 620 h) says
   * nothing.
   */
  private lastLog = Date.now();
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
            // cli-progress fills `eta`, `duration` and `percentage` itself: ours have their own names.
            format:
              '{percent}% |{bar}| {value}/{total} [{elapsed_text}<{eta_text}, {rate}/s] {outcomes}{transport}',
            stream: process.stderr,
            hideCursor: true,
            barsize: 24,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.bar?.start(total, already, this.payload());
  }

  state(): ProgressState {
    const elapsed = (Date.now() - this.started) / 1000;
    const fresh = this.done - this.startDone;
    const rate = fresh / Math.max(1e-3, elapsed);
    const s = this.stats();
    return {
      done: this.done,
      total: this.total,
      percent: this.total ? Math.floor((100 * this.done) / this.total) : 100,
      elapsed_s: Math.round(elapsed * 10) / 10,
      rate: Math.round(rate * 100) / 100,
      eta_s: fresh > 0 ? Math.round((this.total - this.done) / rate) : null,
      counts: this.outcomes.toJSON(),
      in_flight: s.inFlight,
      ...(s.workers !== undefined ? { workers: s.workers } : {}),
      ...(s.redeliveries ? { redeliveries: s.redeliveries } : {}),
    };
  }

  private payload() {
    const st = this.state();
    const parts = [
      st.workers !== undefined ? `workers ${st.workers}` : '',
      `in flight ${st.in_flight}`,
      st.redeliveries ? `redelivered ${st.redeliveries}` : '',
    ];
    return {
      percent: String(st.percent).padStart(3),
      elapsed_text: duration(st.elapsed_s),
      eta_text: st.eta_s === null ? '?' : duration(st.eta_s),
      rate: st.rate < 10 ? st.rate.toFixed(2) : st.rate.toFixed(1),
      outcomes: this.outcomes.toString(),
      transport: ` | ${parts.filter(Boolean).join(', ')}`,
    };
  }

  /** One line of text with the same fields as the bar (for logs and the end of a run). */
  line(): string {
    const p = this.payload();
    return `${p.percent.trim()}% ${this.done}/${this.total} [${p.elapsed_text}<${p.eta_text}, ${p.rate}/s] ${p.outcomes}${p.transport}`;
  }

  add(row: AnyRow): void {
    this.addMany(row, 1);
  }

  /** `n` rows with the outcome fields of `row` (a seed block's tally). */
  addMany(row: AnyRow, n: number): void {
    this.done += n;
    this.outcomes.add(row, n);
    if (this.bar) {
      this.bar.update(this.done, this.payload());
      return;
    }
    const now = Date.now();
    if (now - this.lastLog > 5000 || this.done === this.total) {
      this.lastLog = now;
      if (isJsonLogger(this.log)) this.log.info({ progress: this.state() }, 'progress');
      else this.log.info(this.line());
    }
  }

  /** Ends the bar's line, so that what is printed next starts on its own line. */
  interrupt(): void {
    if (this.bar) process.stderr.write('\n');
  }

  stop(): void {
    this.bar?.stop();
  }
}
