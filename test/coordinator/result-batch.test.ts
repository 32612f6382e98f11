import { headers } from '@nats-io/transport-node';
import test from 'ava';
import { resultMsgId, resultSubject } from '../../worker/nats/names.js';
import {
  RESULTS_HEADER,
  type ResultItem,
  type ResultsOf,
  resultMessage,
  resultsOf,
} from '../../worker/nats/result-batch.js';

/**
 * Results several to a message of the results stream (worker/nats/result-batch.ts): what a
 * worker publishes, and the results the coordinator reads back out of it.
 */

const key = 'batches-0123456789ab';
const id = (k: number) => k.toString(16).padStart(20, '0');
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const item = (k: number, body = `{"result":${k}}`): ResultItem => ({
  taskId: id(k),
  data: bytes(body),
  msgID: resultMsgId(`${key}.1.${id(k)}`),
});

const readApart = (r: ResultsOf) => {
  if ('error' in r) throw new Error(r.error);
  return r.items;
};
const error = (r: ResultsOf) => ('error' in r ? r.error : 'read apart');
const named = (r: ResultsOf) => ('error' in r ? r.tasks : ['read apart']);

/** resultsOf a published message, with its header as the server would hand it back. */
function readBack(m: ReturnType<typeof resultMessage>) {
  const h = headers();
  if (m.header !== null) h.set(RESULTS_HEADER, m.header);
  return resultsOf(m.subject, m.data, m.header === null ? undefined : h);
}

test('one result goes as it always did: its own subject and msgID, no header', (t) => {
  const m = resultMessage(key, [item(7)]);
  t.is(m.subject, resultSubject(key, id(7)));
  t.is(m.msgID, item(7).msgID);
  t.is(m.header, null);
  t.deepEqual(
    readApart(readBack(m)).map((r) => [r.taskId, text(r.data)]),
    [[id(7), '{"result":7}']],
  );
});

test('several results: each read back with its task id and bytes, in order', (t) => {
  const items = [item(1), item(2, ''), item(3, '{"é":"ü"}'), item(4)];
  const m = resultMessage(key, items);
  t.is(m.subject, resultSubject(key, id(1)));
  t.is(m.header, `${id(1)}:12,${id(2)}:0,${id(3)}:11,${id(4)}:12`);
  t.deepEqual(
    readApart(readBack(m)).map((r) => [r.taskId, text(r.data)]),
    items.map((it) => [it.taskId, text(it.data)]),
  );
});

test('a batch’s msgID is the same for the same results and differs when any result differs', (t) => {
  const ab = resultMessage(key, [item(1), item(2)]).msgID;
  t.is(resultMessage(key, [item(1), item(2)]).msgID, ab, 'a retry is a duplicate');
  t.not(resultMessage(key, [item(1), item(3)]).msgID, ab, 'a redelivered task in another batch is not');
  t.not(resultMessage(key, [item(1), item(2), item(3)]).msgID, ab);
  t.not(ab, item(1).msgID, 'nor does it shadow the first result sent on its own');
});

test('a results header that does not describe the body is refused, naming what is wrong', (t) => {
  const data = bytes('0123456789');
  const of = (list: string) => {
    const h = headers();
    h.set(RESULTS_HEADER, list);
    return resultsOf(resultSubject(key, id(1)), data, h);
  };
  t.regex(error(of(`${id(1)}:4,${id(2)}:4`)), /lists 8 bytes, the message holds 10/);
  t.regex(error(of(`${id(1)}:4,${id(2)}:7`)), /lists 11 bytes or more, the message holds 10/);
  t.regex(error(of(`${id(1)}:4,zz:6`)), /entry 'zz:6' is not <task id>:<bytes>/);
  t.regex(error(resultsOf('saddlescope.results.x.y', data, undefined)), /not a result subject/);
});

test('the tasks a message names, even when it cannot be read apart', (t) => {
  const h = headers();
  h.set(RESULTS_HEADER, `${id(1)}:4,${id(2)}:999`);
  t.deepEqual(named(resultsOf(resultSubject(key, id(1)), bytes('0123'), h)), [id(1), id(2)]);
  t.deepEqual(
    readApart(resultsOf(resultSubject(key, id(3)), bytes('x'), undefined)).map((r) => r.taskId),
    [id(3)],
  );
  t.deepEqual(named(resultsOf('saddlescope.results.x.y', bytes('x'), undefined)), []);
});
