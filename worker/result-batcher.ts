import type { ResultItem } from './nats/result-batch.js';

/** Results one message holds at most (its header lists them all). */
const MAX_ITEMS = 64;
/** Room in a message for the headers (the Nats-Msg-Id and the results list, ~30 bytes a result). */
const HEADER_BYTES = (items: number) => 256 + 32 * items;

interface Batch<T> {
  readonly items: T[];
  bytes: number;
  readonly timer: NodeJS.Timeout;
  /** Sends the batch; `stored` settles when the server has stored it (or gave up). */
  readonly release: () => void;
  readonly stored: Promise<void>;
}

/**
 * Gathers the results a worker computes within `windowMs` of each other, per study, into one
 * message of the results stream (result-batch.ts), and resolves each result's promise once the
 * server has stored that message. A worker's tasks stay unacked until then, so this only delays
 * acks, never loses a result. A result sent on its own costs more in the messages it makes (a
 * publish, its store, a PubAck, a delivery to the coordinator) than anything the worker or
 * coordinator does with it; test/bench/nats.bench.ts measures the batched path.
 */
export class ResultBatcher<T extends ResultItem> {
  private readonly open = new Map<string, Batch<T>>();
  private inFlight = 0;

  constructor(
    private readonly send: (key: string, items: readonly T[]) => Promise<void>,
    private readonly windowMs: number,
    private readonly maxPayload: () => number,
  ) {}

  /** Messages sent and not yet stored (the server is slow or away when they pile up). */
  get sending(): number {
    return this.inFlight;
  }

  /** Adds a result of study `key`; resolves once it is stored. */
  add(key: string, item: T): Promise<void> {
    let b = this.open.get(key);
    if (
      b &&
      (b.items.length >= MAX_ITEMS ||
        b.bytes + item.data.length + HEADER_BYTES(b.items.length + 1) > this.maxPayload())
    ) {
      this.flush(key);
      b = undefined;
    }
    b ??= this.start(key);
    b.items.push(item);
    b.bytes += item.data.length;
    return b.stored;
  }

  private start(key: string): Batch<T> {
    let release!: () => void;
    const sent = new Promise<void>((r) => {
      release = r;
    });
    const items: T[] = [];
    const b: Batch<T> = {
      items,
      bytes: 0,
      timer: setTimeout(() => this.flush(key), this.windowMs),
      release,
      stored: sent.then(async () => {
        this.inFlight++;
        try {
          await this.send(key, items);
        } finally {
          this.inFlight--;
        }
      }),
    };
    this.open.set(key, b);
    return b;
  }

  /** Sends what study `key` has gathered. */
  private flush(key: string): void {
    const b = this.open.get(key);
    if (!b) return;
    this.open.delete(key);
    clearTimeout(b.timer);
    b.release();
  }
}
