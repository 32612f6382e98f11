import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { PRESENCE_SUBJECT } from '../../worker/nats/names.js';

/** A worker is counted while it announced itself (or sent a result) within this time. */
const WORKER_ALIVE_MS = 15_000;

/** The workers a coordinator has heard from: their presence messages and their results. */
export class WorkerPresence {
  private readonly seen = new Map<string, number>();
  private sub: Subscription | null = null;

  listen(nc: NatsConnection): void {
    this.sub = nc.subscribe(PRESENCE_SUBJECT, {
      callback: (_err, m) => {
        try {
          const p = m.json<{ id?: unknown }>();
          if (typeof p.id === 'string') this.heard(p.id);
        } catch {
          // not a presence message
        }
      },
    });
  }

  heard(worker: string): void {
    this.seen.set(worker, Date.now());
  }

  /** Workers heard from within WORKER_ALIVE_MS. */
  live(): number {
    const since = Date.now() - WORKER_ALIVE_MS;
    let n = 0;
    for (const t of this.seen.values()) if (t >= since) n++;
    return n;
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = null;
  }
}
