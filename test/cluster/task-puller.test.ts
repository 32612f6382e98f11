import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import test from 'ava';
import { type TaskDelivery, TaskPuller } from '../../worker/task-puller.js';
import { serverPerFile, withConnection } from '../helpers/nats-server.js';

/**
 * TaskPuller (the worker's pull loop) against consumer.fetch(), the library call it stands in
 * for: the same messages and delivery info, acks that mean what JsMsg's mean, and requests that
 * end as the server ends them, on a real nats-server with a work-queue stream.
 */

const nats = serverPerFile(test);
const bytes = (s: string) => new TextEncoder().encode(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let streams = 0;

/** A fresh work-queue stream with `n` messages and a durable pull consumer (short ack wait). */
async function queue(nc: NatsConnection, n: number): Promise<{ stream: string; subject: string }> {
  const i = streams++;
  const stream = `PULL_${i}`;
  const subject = `pull${i}`;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${subject}.>`], retention: RetentionPolicy.Workqueue });
  await jsm.consumers.add(stream, { durable_name: 'w', ack_policy: AckPolicy.Explicit, ack_wait: 1e9 });
  const js = jetstream(nc);
  for (let k = 0; k < n; k++)
    await js.publish(`${subject}.${k}`, bytes(`task ${k}`), { msgID: `${subject}-${k}` });
  return { stream, subject };
}

/** A puller that records what it is given and how each request ends. */
function recorder(nc: NatsConnection, stream: string, expiresMs = 10_000, consumer = 'w') {
  const got: TaskDelivery[] = [];
  const ends: Array<string | null> = [];
  let onEnd = () => {};
  const puller = new TaskPuller(
    nc,
    stream,
    consumer,
    {
      delivered: (m) => got.push(m),
      ended: (refused) => {
        ends.push(refused);
        onEnd();
      },
    },
    expiresMs,
  );
  const ended = () => new Promise<void>((r) => (onEnd = r));
  return { puller, got, ends, ended };
}

test('pulls deliver exactly what they ask for, oldest first, with the delivery info consumer.fetch() gives', (t) =>
  withConnection(nats.server, async (nc) => {
    const { stream, subject } = await queue(nc, 6);
    const r = recorder(nc, stream);
    const first = r.ended();
    r.puller.pull(3);
    t.is(r.puller.outstanding, 1);
    t.is(r.puller.requested, 3);
    r.puller.pull(2); // a second request while the first is outstanding: both count
    t.is(r.puller.requested, 5);
    t.is(r.puller.outstanding, 2);
    await first;
    const second = r.ended();
    if (r.ends.length < 2) await second;
    t.deepEqual(r.ends, [null, null]);
    t.is(r.puller.outstanding, 0);
    t.is(r.puller.requested, 0);
    t.deepEqual(
      r.got.map((m) => [
        m.subject,
        new TextDecoder().decode(m.data),
        m.info.streamSequence,
        m.info.deliveryCount,
      ]),
      [0, 1, 2, 3, 4].map((k) => [`${subject}.${k}`, `task ${k}`, k + 1, 1]),
    );
    t.is(r.got[1].headers?.get('Nats-Msg-Id'), `${subject}-1`);
    // The library, on the same consumer, gets the last one: nothing delivered twice.
    const consumer = await jetstream(nc).consumers.get(stream, 'w');
    const rest = [];
    for await (const m of await consumer.fetch({ max_messages: 1, expires: 1500 })) {
      rest.push([m.subject, m.info.streamSequence, m.info.deliveryCount]);
      m.ack();
    }
    t.deepEqual(rest, [[`${subject}.5`, 6, 1]]);
    r.puller.stop();
  }));

test('ack removes a task from the work queue; nak redelivers it at once; term never again', (t) =>
  withConnection(nats.server, async (nc) => {
    const { stream } = await queue(nc, 3);
    const jsm = await jetstreamManager(nc);
    const r = recorder(nc, stream);
    let ended = r.ended();
    r.puller.pull(3);
    await ended;
    const [a, b, c] = r.got;
    a.working(); // not final: the ack after it still counts
    a.ack();
    b.nak();
    c.term();
    c.ack(); // after a final ack, nothing more is sent
    await sleep(200);
    ended = r.ended();
    r.puller.pull(1);
    await ended;
    t.is(r.got.length, 4);
    t.is(r.got[3].info.streamSequence, b.info.streamSequence);
    t.is(r.got[3].info.deliveryCount, 2);
    r.got[3].ack();
    await sleep(200);
    // a acked, b acked on redelivery, c terminated: the work queue is empty, and stays so past the ack wait.
    t.is((await jsm.streams.info(stream)).state.messages, 0);
    const consumer = await jetstream(nc).consumers.get(stream, 'w');
    const late = [];
    for await (const m of await consumer.fetch({ max_messages: 1, expires: 1500 })) late.push(m.subject);
    t.deepEqual(late, []);
    r.puller.stop();
  }));

test('pulls with nothing queued end when each expires, and what is published meanwhile is delivered', (t) =>
  withConnection(nats.server, async (nc) => {
    const { stream, subject } = await queue(nc, 0);
    const r = recorder(nc, stream, 500);
    let ended = r.ended();
    const t0 = Date.now();
    r.puller.pull(2);
    await sleep(200);
    r.puller.pull(1);
    t.is(r.puller.requested, 3);
    await ended;
    t.true(Date.now() - t0 >= 450, 'ended by the server at its expiry');
    t.is(r.puller.requested, 1, 'the 408 ended the request it names; the later one is still open');
    ended = r.ended();
    await ended;
    t.deepEqual(r.ends, [null, null]);
    t.is(r.got.length, 0);
    ended = r.ended();
    r.puller.pull(1);
    await jetstream(nc).publish(`${subject}.late`, bytes('late'));
    await ended;
    t.deepEqual(
      r.got.map((m) => m.subject),
      [`${subject}.late`],
    );
    r.got[0].ack();
    r.puller.stop();
  }));

test('a pull the server never answers (no such consumer) ends refused after its expiry and a grace', (t) =>
  withConnection(nats.server, async (nc) => {
    const { stream } = await queue(nc, 1);
    const r = recorder(nc, stream, 500, 'nobody');
    const t0 = Date.now();
    const ended = r.ended();
    r.puller.pull(1);
    await ended;
    r.puller.stop();
    t.is(r.got.length, 0);
    t.regex(r.ends[0] ?? '', /no answer from the server/);
    t.true(Date.now() - t0 >= 1500, 'not before its expiry (0.5 s) and grace (1 s)');
  }));
