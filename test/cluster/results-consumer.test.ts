import { AckPolicy, type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import test from 'ava';
import pino from 'pino';
import { catchUp, resultsConsumer } from '../../coordinator/nats/study-streams.js';
import { coordinatorConsumer, RESULTS_STREAM, resultSubject, studyResults } from '../../worker/nats/names.js';
import { ensureInfrastructure } from '../../worker/nats/setup.js';
import { serverPerFile, withConnection } from '../helpers/nats-server.js';

/**
 * The coordinator's durable consumer of a study's results (coordinator/nats/study-streams.ts): it
 * acks all before the message acked, so the coordinator acks once per journaled batch, and a
 * consumer left by an older coordinator (explicit acks) is recreated from its ack floor.
 */

const nats = serverPerFile(test);
const silent = pino({ level: 'silent' });
const bytes = (s: string) => new TextEncoder().encode(s);
const ids = Array.from({ length: 6 }, (_, k) => k.toString(16).padStart(20, '0'));

async function publishResults(key: string, nc: Parameters<typeof jetstream>[0]): Promise<void> {
  const js = jetstream(nc);
  for (const id of ids) await js.publish(resultSubject(key, id), bytes(`result ${id}`));
}

test('one ack of the last result of a batch acks the whole batch', (t) =>
  withConnection(nats.server, async (nc) => {
    const { jsm } = await ensureInfrastructure(nc, silent);
    const key = 'batch-ack-000000000001';
    await publishResults(key, nc);
    const consumer = await resultsConsumer(jetstream(nc), jsm, key, '/out\n1');
    const got: JsMsg[] = [];
    t.is(await catchUp(consumer, (m) => got.push(m)), ids.length);
    const name = coordinatorConsumer(key, '/out\n1');
    t.is((await jsm.consumers.info(RESULTS_STREAM, name)).num_ack_pending, ids.length);
    got[3].ack(); // the first four
    await nc.flush();
    const mid = await jsm.consumers.info(RESULTS_STREAM, name);
    t.is(mid.num_ack_pending, 2);
    t.is(mid.ack_floor.stream_seq, got[3].info.streamSequence);
    got[5].ack(); // and the rest
    await nc.flush();
    t.is((await jsm.consumers.info(RESULTS_STREAM, name)).num_ack_pending, 0);
  }));

test('an explicit-ack consumer of an older coordinator is recreated from its ack floor', (t) =>
  withConnection(nats.server, async (nc) => {
    const { jsm } = await ensureInfrastructure(nc, silent);
    const key = 'old-consumer-00000002';
    await publishResults(key, nc);
    const name = coordinatorConsumer(key, '/out\n2');
    await jetstreamManager(nc).then((m) =>
      m.consumers.add(RESULTS_STREAM, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        filter_subject: studyResults(key),
      }),
    );
    // The old coordinator took three results and acked the first two before it stopped.
    const old = await jetstream(nc).consumers.get(RESULTS_STREAM, name);
    const taken: JsMsg[] = [];
    for await (const m of await old.fetch({ max_messages: 3, expires: 2000 })) taken.push(m);
    taken[0].ack();
    taken[1].ack();
    await nc.flush();

    const consumer = await resultsConsumer(jetstream(nc), jsm, key, '/out\n2');
    const info = await jsm.consumers.info(RESULTS_STREAM, name);
    t.is(info.config.ack_policy, AckPolicy.All);
    const again: string[] = [];
    await catchUp(consumer, (m) => again.push(m.subject));
    // From the ack floor on: the unacked third result at once (no ack wait), then the rest.
    t.deepEqual(
      again,
      ids.slice(2).map((id) => resultSubject(key, id)),
    );
  }));
