import type { NatsConnection } from '@nats-io/transport-node';
import { PRESENCE_SUBJECT } from './nats/names.js';

/** How often a worker says it is alive (the coordinator counts workers seen within 15 s). */
export const PRESENCE_EVERY_MS = 5000;

/** Presence message on PRESENCE_SUBJECT (core NATS, not stored). */
export interface Presence {
  readonly id: string;
  readonly threads: number;
  readonly running: number;
  readonly draining: boolean;
  /** The engines whose tasks it pulls: f64, and tfjs on tfjs workers. */
  readonly engines: readonly string[];
}

/** Publishes a presence message; a closed or draining connection has nothing to announce. */
export function announce(nc: NatsConnection, p: Presence): void {
  try {
    nc.publish(PRESENCE_SUBJECT, JSON.stringify(p));
  } catch {
    // closed or draining
  }
}
