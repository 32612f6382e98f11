import { errors } from '@nats-io/transport-node';
import type { StreamPublisher } from './stream-publisher.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Errors after which the same publish may succeed: the server is restarting or unreachable.
 * Shared by the coordinator (tasks) and the workers (results).
 */
export function isTransient(e: unknown): boolean {
  return (
    e instanceof errors.TimeoutError ||
    e instanceof errors.NoRespondersError ||
    e instanceof errors.RequestError ||
    e instanceof errors.ConnectionError ||
    /timeout|no responders|disconnect|reconnect|connection|503/i.test((e as Error)?.message ?? '')
  );
}

/** The wait before retry number `failures` (1, 2, …) against the server: 250 ms doubling, at most 5 s. */
export function backoffMs(failures: number): number {
  return Math.min(250 * 2 ** Math.min(failures - 1, 5), 5000);
}

export interface RetryHooks {
  /** Stop retrying (the worker gave up its tasks, the coordinator is stopping). */
  readonly abandoned: () => boolean;
  /** Called before each retry with the error, e.g. to log it and keep the task's ack timer alive. */
  readonly retrying: (e: Error) => void;
  /** One more header of the message (StreamPublisher.publish). */
  readonly header?: readonly [string, string];
}

/**
 * Publishes a message (a task, a result) to a stream until the server acknowledges it (PubAck),
 * backing off from 250 ms to 5 s while the server is away; the message id makes a repeated
 * publish a duplicate, not a second message.
 */
export async function publishUntilStored(
  publisher: StreamPublisher,
  subject: string,
  data: Uint8Array,
  msgID: string,
  hooks: RetryHooks,
): Promise<void> {
  for (let failures = 1; ; failures++) {
    try {
      await publisher.publish(subject, data, msgID, 10_000, hooks.header);
      return;
    } catch (e) {
      if (hooks.abandoned() || !isTransient(e)) throw e;
      hooks.retrying(e as Error);
      await sleep(backoffMs(failures));
    }
  }
}
