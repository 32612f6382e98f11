import { createHash } from 'node:crypto';
import type { MsgHdrs } from '@nats-io/transport-node';
import { parseSubject, resultSubject } from './names.js';

/**
 * Several results in one message of the results stream. The header lists each result's task id
 * and byte length, in order (`<task id>:<bytes>,…`); the body is their worker messages end to end.
 * A message without it holds the one result of the task its subject names.
 */
export const RESULTS_HEADER = 'Saddlescope-Results';

/** One task's result message (shared/study/wire.ts), as a worker publishes it. */
export interface ResultItem {
  readonly taskId: string;
  readonly data: Uint8Array;
  /** resultMsgId of its task message (names.ts): the id a result sent on its own is stored under. */
  readonly msgID: string;
}

/** What to publish for some results of one study: the subject, the body, its msgID and header. */
export interface ResultMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgID: string;
  readonly header: string | null;
}

/**
 * The message holding `items` (results of study `key`). One result is sent as it always was: on
 * its task's subject under its own msgID, so a task run twice is stored once. Several go on the
 * first one's subject under a msgID hashed from all of theirs: the same batch published again
 * (a retry) is a duplicate, and a batch sharing only some tasks with another is not dropped with
 * it (the coordinator drops a result it has already by task id).
 */
export function resultMessage(key: string, items: readonly ResultItem[]): ResultMessage {
  const first = items[0];
  if (items.length === 1)
    return { subject: resultSubject(key, first.taskId), data: first.data, msgID: first.msgID, header: null };
  let bytes = 0;
  for (const it of items) bytes += it.data.length;
  const data = new Uint8Array(bytes);
  const hash = createHash('sha256');
  let at = 0;
  for (const it of items) {
    data.set(it.data, at);
    at += it.data.length;
    hash.update(it.msgID).update('\n');
  }
  return {
    subject: resultSubject(key, first.taskId),
    data,
    msgID: `${first.msgID}.batch-${hash.digest('hex').slice(0, 24)}`,
    header: items.map((it) => `${it.taskId}:${it.data.length}`).join(','),
  };
}

/**
 * The tasks a message of the results stream names, even when it cannot be read apart: those of its
 * results header, else the one of its subject.
 */
export function tasksNamed(subject: string, headers: MsgHdrs | undefined): string[] {
  const list = headers?.get(RESULTS_HEADER);
  if (list) return list.match(/\b[0-9a-f]{20}\b/g) ?? [];
  const at = parseSubject(subject);
  return at ? [at.taskId] : [];
}

/** The results a message of the results stream holds: task id and bytes of each, or why not. */
export function resultsOf(
  subject: string,
  data: Uint8Array,
  headers: MsgHdrs | undefined,
): { readonly taskId: string; readonly data: Uint8Array }[] | string {
  const list = headers?.get(RESULTS_HEADER);
  if (!list) {
    const at = parseSubject(subject);
    return at ? [{ taskId: at.taskId, data }] : `not a result subject: ${subject}`;
  }
  const items: { taskId: string; data: Uint8Array }[] = [];
  let offset = 0;
  for (const entry of list.split(',')) {
    const m = /^([0-9a-f]{20}):(\d+)$/.exec(entry);
    if (!m) return `${RESULTS_HEADER} entry '${entry.slice(0, 60)}' is not <task id>:<bytes>`;
    const end = offset + Number(m[2]);
    if (end > data.length)
      return `${RESULTS_HEADER} lists ${end} bytes or more, the message holds ${data.length}`;
    items.push({ taskId: m[1], data: data.subarray(offset, end) });
    offset = end;
  }
  if (offset !== data.length)
    return `${RESULTS_HEADER} lists ${offset} bytes, the message holds ${data.length}`;
  return items;
}
