/** What a coordinator reads from the streams for one study (coordinator/transport/nats.ts). */
import {
  AckPolicy,
  type Consumer,
  type ConsumerConfig,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import {
  coordinatorConsumer,
  parseSubject,
  RESULTS_STREAM,
  studyResults,
  studyTasks,
  TASKS_STREAM,
} from '../../worker/nats/names.js';

const SECOND_NS = 1_000_000_000;

/**
 * This study's durable consumer of results for this out dir. It acks all before the message
 * acked (AckAll): the coordinator acks once per batch it has journaled. Results a killed
 * coordinator had received but not acked would wait out the ack wait: the consumer is then
 * recreated from its ack floor, so they come back at once (any already journaled are dropped as
 * duplicates). So is a consumer of an older coordinator, made with explicit acks.
 */
export async function resultsConsumer(
  js: JetStreamClient,
  jsm: JetStreamManager,
  key: string,
  outIdentity: string,
): Promise<Consumer> {
  const name = coordinatorConsumer(key, outIdentity);
  const config: Partial<ConsumerConfig> & { durable_name: string } = {
    durable_name: name,
    description: `saddlescope coordinator of ${key} → ${outIdentity.split('\n')[0]}`,
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    filter_subject: studyResults(key),
    ack_wait: 10 * SECOND_NS,
    max_ack_pending: 10_000,
    // A coordinator gone for a week leaves nothing behind; rerun, it reads the results again.
    inactive_threshold: 7 * 86_400 * SECOND_NS,
  };
  const info = await jsm.consumers.info(RESULTS_STREAM, name).catch(() => null);
  if (info && (info.num_ack_pending > 0 || info.config.ack_policy !== AckPolicy.All)) {
    await jsm.consumers.delete(RESULTS_STREAM, name);
    await jsm.consumers.add(RESULTS_STREAM, {
      ...config,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: info.ack_floor.stream_seq + 1,
    });
  } else if (!info) await jsm.consumers.add(RESULTS_STREAM, config);
  return js.consumers.get(RESULTS_STREAM, name);
}

/** Reads every result stored before this coordinator started; returns how many. */
export async function catchUp(consumer: Consumer, handle: (m: JsMsg) => void): Promise<number> {
  let n = 0;
  for (;;) {
    const info = await consumer.info();
    if (info.num_pending === 0) return n;
    const batch = await consumer.fetch({ max_messages: Math.min(info.num_pending, 1000), expires: 5000 });
    for await (const m of batch) {
      handle(m);
      n++;
    }
  }
}

/** Ids of this study's tasks still in the work queue (waiting or being run). */
export async function queuedTasks(jsm: JetStreamManager, key: string): Promise<Set<string>> {
  const info = await jsm.streams.info(TASKS_STREAM, { subjects_filter: studyTasks(key) });
  const ids = new Set<string>();
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const at = parseSubject(subject);
    if (at) ids.add(at.taskId);
  }
  return ids;
}

/** Whether an error says the server has lost this study's streams or consumers (an empty store). */
export function storeLost(e: unknown): boolean {
  return (
    e instanceof JetStreamApiError &&
    (e.code === JetStreamApiCodes.StreamNotFound || e.code === JetStreamApiCodes.ConsumerNotFound)
  );
}
