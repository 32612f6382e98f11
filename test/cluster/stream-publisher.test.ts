import { DiscardPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import test from 'ava';
import { isTransient } from '../../worker/nats/publish.js';
import { StreamPublisher } from '../../worker/nats/stream-publisher.js';
import { serverPerFile, withConnection } from '../helpers/nats-server.js';

/**
 * StreamPublisher (the coordinator's tasks, the workers' results) against js.publish, the library
 * it stands in for on the hot path: the same PubAcks, the same duplicate detection, the same
 * errors, on a real nats-server.
 */

const nats = serverPerFile(test);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Runs `fn` with a publisher on `nc`, closed after. */
async function withPublisher(nc: NatsConnection, fn: (p: StreamPublisher) => Promise<void>): Promise<void> {
  const p = new StreamPublisher(nc);
  try {
    await fn(p);
  } finally {
    p.close();
  }
}

test('PubAcks and duplicates are those of js.publish', (t) =>
  withConnection(nats.server, async (nc) => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'PUB_A', subjects: ['puba.>'], duplicate_window: 60e9 });
    await jsm.streams.add({ name: 'PUB_B', subjects: ['pubb.>'], duplicate_window: 60e9 });
    const js = jetstream(nc);
    await withPublisher(nc, async (p) => {
      // The same sequence of publishes into twin streams: one through each client.
      const plan: Array<[string, string]> = [
        ['x.1', 'm1'],
        ['x.2', 'm2'],
        ['x.1', 'm1'], // a repeat: a duplicate, not a third message
        ['x.3', 'm3'],
      ];
      const ours = [];
      const theirs = [];
      for (const [subject, id] of plan) {
        ours.push(await p.publish(`puba.${subject}`, bytes(id), id, 5000));
        theirs.push(await js.publish(`pubb.${subject}`, bytes(id), { msgID: id, timeout: 5000 }));
      }
      t.deepEqual(
        ours.map((a) => [a.seq, a.duplicate]),
        theirs.map((a) => [a.seq, a.duplicate]),
      );
      t.deepEqual(
        ours.map((a) => a.duplicate),
        [false, false, true, false],
      );
      t.true(ours.every((a) => a.stream === 'PUB_A'));
      // What is stored is what was sent, headers included.
      const stored = await jsm.streams.getMessage('PUB_A', { seq: 2 });
      t.is(stored?.subject, 'puba.x.2');
      t.is(stored?.string(), 'm2');
      t.is(stored?.header.get('Nats-Msg-Id'), 'm2');
      t.is((await jsm.streams.info('PUB_A')).state.messages, 3);
      // Many at once: every one answered, in any order.
      const many = await Promise.all(
        Array.from({ length: 200 }, (_, i) => p.publish(`puba.many.${i}`, bytes(`${i}`), `many-${i}`, 5000)),
      );
      t.deepEqual(new Set(many.map((a) => a.seq)).size, 200);
    });
  }));

test('no stream for the subject: NoRespondersError, retried (js.publish gives up: JetStreamNotEnabled)', (t) =>
  withConnection(nats.server, async (nc) => {
    const js = jetstream(nc);
    await withPublisher(nc, async (p) => {
      const ours = await t.throwsAsync(p.publish('nostream.x', bytes('a'), 'a', 5000));
      const theirs = await t.throwsAsync(js.publish('nostream.x', bytes('a'), { msgID: 'a', timeout: 5000 }));
      t.is(ours?.name, 'NoResponders');
      t.regex(ours?.message ?? '', /no responders: 'nostream.x'/);
      t.true(isTransient(ours));
      t.is(theirs?.name, 'JetStreamNotEnabled');
      t.false(isTransient(theirs));
    });
  }));

test('a refusal by the stream: JetStreamApiError with the server’s description, not transient', (t) =>
  withConnection(nats.server, async (nc) => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: 'PUB_FULL',
      subjects: ['pubfull.>'],
      max_msgs: 1,
      discard: DiscardPolicy.New,
    });
    const js = jetstream(nc);
    await withPublisher(nc, async (p) => {
      await p.publish('pubfull.a', bytes('a'), 'a', 5000);
      const ours = await t.throwsAsync(p.publish('pubfull.b', bytes('b'), 'b', 5000));
      const theirs = await t.throwsAsync(js.publish('pubfull.c', bytes('c'), { msgID: 'c', timeout: 5000 }));
      t.is(ours?.name, 'JetStreamApiError');
      t.is(ours?.name, theirs?.name);
      t.is(ours?.message, theirs?.message);
      t.false(isTransient(ours));
    });
  }));

test('after close, a publish is refused at once', (t) =>
  withConnection(nats.server, async (nc) => {
    const p = new StreamPublisher(nc);
    p.close();
    await t.throwsAsync(p.publish('puba.late', bytes('x'), 'late', 5000), { name: 'ClosedConnectionError' });
  }));

test('no answer by the deadline: TimeoutError, transient', (t) =>
  withConnection(nats.server, async (nc) => {
    // A core subscriber takes the message and never replies (no stream, so no PubAck either).
    const sink = nc.subscribe('silent.>');
    await withPublisher(nc, async (p) => {
      const t0 = Date.now();
      const e = await t.throwsAsync(p.publish('silent.x', bytes('a'), 'a', 300));
      t.is(e?.name, 'TimeoutError');
      t.true(isTransient(e));
      t.true(Date.now() - t0 >= 300);
    }).finally(() => sink.unsubscribe());
  }));
