import { createHash } from 'node:crypto';
import type { MsgHdrs } from '@nats-io/transport-node';
import { TASK_ID_SOURCE } from '../../shared/study/task-id.js';
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
  const subject = resultSubject(key, first.taskId);
  if (items.length === 1) return { subject, data: first.data, msgID: first.msgID, header: null };
  const hash = createHash('sha256');
  for (const it of items) hash.update(it.msgID).update('\n');
  return {
    subject,
    data: Buffer.concat(items.map((it) => it.data)),
    msgID: `${first.msgID}.batch-${hash.digest('hex').slice(0, 24)}`,
    header: items.map((it) => `${it.taskId}:${it.data.length}`).join(','),
  };
}

/** What a message of the results stream holds: its results, or why they cannot be read apart. */
export type ResultsOf =
  | { readonly items: readonly { readonly taskId: string; readonly data: Uint8Array }[] }
  /** `tasks`: those its results header names, whose results it was meant to hold. */
  | { readonly error: string; readonly tasks: readonly string[] };

const TASK_IDS = new RegExp(`\\b${TASK_ID_SOURCE}\\b`, 'g');
const ENTRY = new RegExp(`^(${TASK_ID_SOURCE}):(\\d+)$`);

/**
 * The results a message of the results stream holds: task id and bytes of each (one, of the task
 * its subject names, when it has no results header), or why not and which tasks it names.
 */
export function resultsOf(subject: string, data: Uint8Array, headers: MsgHdrs | undefined): ResultsOf {
  const list = headers?.get(RESULTS_HEADER);
  if (!list) {
    const at = parseSubject(subject);
    return at
      ? { items: [{ taskId: at.taskId, data }] }
      : { error: `not a result subject: ${subject}`, tasks: [] };
  }
  const refuse = (error: string) => ({ error, tasks: list.match(TASK_IDS) ?? [] });
  const items: { taskId: string; data: Uint8Array }[] = [];
  let offset = 0;
  for (const entry of list.split(',')) {
    const m = ENTRY.exec(entry);
    if (!m) return refuse(`${RESULTS_HEADER} entry '${entry.slice(0, 60)}' is not <task id>:<bytes>`);
    const end = offset + Number(m[2]);
    if (end > data.length)
      return refuse(`${RESULTS_HEADER} lists ${end} bytes or more, the message holds ${data.length}`);
    items.push({ taskId: m[1], data: data.subarray(offset, end) });
    offset = end;
  }
  if (offset !== data.length)
    return refuse(`${RESULTS_HEADER} lists ${offset} bytes, the message holds ${data.length}`);
  return { items };
}
