import test from 'ava';
import type { ResultItem } from '../../worker/nats/result-batch.js';
import { ResultBatcher } from '../../worker/result-batcher.js';

/** A worker's results gathered into messages (worker/result-batcher.ts), sent through a recorder. */

const id = (k: number) => k.toString(16).padStart(20, '0');
const item = (k: number, bytes = 100): ResultItem => ({
  taskId: id(k),
  data: new Uint8Array(bytes),
  msgID: `m${k}`,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder(maxPayload = 1 << 20, windowMs = 20) {
  const sent: { key: string; ids: string[] }[] = [];
  let fail: Error | null = null;
  let hold: Promise<void> = Promise.resolve();
  const b = new ResultBatcher(
    async (key, items) => {
      sent.push({ key, ids: items.map((it) => it.taskId) });
      await hold;
      if (fail) throw fail;
    },
    windowMs,
    () => maxPayload,
  );
  return {
    b,
    sent,
    failWith: (e: Error) => {
      fail = e;
    },
    holdUntil: (p: Promise<void>) => {
      hold = p;
    },
  };
}

test('results within the window go in one message per study, each promise settling when it is stored', async (t) => {
  const { b, sent } = recorder();
  const stored: number[] = [];
  const all = [1, 2, 3].map((k) => b.add('a', item(k)).then(() => stored.push(k)));
  const other = b.add('b', item(9));
  t.is(sent.length, 0, 'nothing sent before the window ends');
  await Promise.all([...all, other]);
  t.deepEqual(sent, [
    { key: 'a', ids: [id(1), id(2), id(3)] },
    { key: 'b', ids: [id(9)] },
  ]);
  t.deepEqual(stored, [1, 2, 3]);
  await b.add('a', item(4));
  t.deepEqual(sent[2], { key: 'a', ids: [id(4)] }, 'a later result starts a new message');
});

test('a message holds at most 64 results and stays under the server’s max_payload', async (t) => {
  const many = recorder();
  await Promise.all(Array.from({ length: 130 }, (_, k) => many.b.add('a', item(k))));
  t.deepEqual(
    many.sent.map((s) => s.ids.length),
    [64, 64, 2],
  );
  // 900 bytes of room, less 256 + 32 a result of headers: two 200-byte results fit, three do not
  const small = recorder(900);
  await Promise.all([1, 2, 3, 4].map((k) => small.b.add('a', item(k, 200))));
  t.deepEqual(
    small.sent.map((s) => s.ids),
    [
      [id(1), id(2)],
      [id(3), id(4)],
    ],
  );
});

test('a failed send rejects every result of its message; messages on their way are counted', async (t) => {
  const r = recorder(1 << 20, 1);
  let release!: () => void;
  r.holdUntil(
    new Promise<void>((res) => {
      release = res;
    }),
  );
  const first = b2(r.b);
  await sleep(20);
  t.is(r.b.sending, 1, 'sent, not yet stored');
  r.failWith(new Error('server away'));
  release();
  const results = await Promise.allSettled(first);
  t.deepEqual(
    results.map((x) => x.status),
    ['rejected', 'rejected'],
  );
  t.is((results[0] as PromiseRejectedResult).reason.message, 'server away');
  t.is(r.b.sending, 0);
});

const b2 = (b: ResultBatcher<ResultItem>) => [b.add('a', item(1)), b.add('a', item(2))];
