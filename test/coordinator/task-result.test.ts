import test from 'ava';
import { planStudy } from '../../coordinator/run-study.js';
import { runTask } from '../../shared/run-task.js';
import { encodeFailureMessage, encodeResultMessage } from '../../shared/study/wire.js';
import { taskResult } from '../../worker/nats/task-result.js';
import { tempDir, writeSpec } from '../helpers/cli.js';

/** A task's Result from the bytes a worker sent for it (worker/nats/task-result.ts). */

const [task, other] = planStudy(
  writeSpec(tempDir(), [
    'name: task-result',
    'seed: 3',
    'problem: { kind: torus }',
    'optimizers: [{ kind: newton }]',
    'seeds: 2',
  ]),
).tasks;

test('a worker’s result is the task’s, bit for bit, and names its worker', (t) => {
  const result = runTask(task, { worker: 'h#1' });
  const r = taskResult(task, encodeResultMessage(result, 'h:7'));
  t.is(r.worker, 'h:7');
  t.is(r.unreadable, null);
  t.deepEqual(r.result, result);
});

test('a failure notice is an error row with the worker’s message', (t) => {
  const r = taskResult(task, encodeFailureMessage(task.id, 'max deliveries: 5', 'h:7'));
  t.is(r.worker, 'h:7');
  t.is(r.unreadable, null);
  t.is(r.result.row.task_id, task.id);
  t.is(r.result.kind === 'run' && r.result.row.status, 'error');
  t.is(r.result.row.message, 'max deliveries: 5');
});

test('bytes of another task, unreadable bytes, or none: an error row saying why', (t) => {
  const wrong = taskResult(task, encodeResultMessage(runTask(other, { worker: 'h#1' }), 'h:8'));
  t.is(wrong.worker, 'h:8');
  t.is(wrong.unreadable, `it holds the row of task ${other.id}, not ${task.id}`);
  t.is(wrong.result.row.message, `unreadable result: ${wrong.unreadable}`);
  t.is(wrong.result.row.task_id, task.id);

  const junk = taskResult(task, new TextEncoder().encode('{"v":1,'));
  t.is(junk.worker, null);
  t.regex(junk.unreadable ?? '', /worker message/);
  t.is(junk.result.kind === 'run' && junk.result.row.status, 'error');

  const none = taskResult(task, { unreadable: 'its message could not be read apart' });
  t.is(none.result.row.message, 'unreadable result: its message could not be read apart');
  t.is(none.result.row.worker, 'coordinator');
});
