import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import test from 'ava';
import { planStudy } from '../../coordinator/run-study.js';
import { TaskRetries } from '../../coordinator/transport/task-retries.js';
import {
  MALFORMED_TASK,
  resultSubject,
  studyKey,
  studyResults,
  taskMsgId,
  taskSubject,
} from '../../worker/nats/names.js';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import { serverPerFile, startTracked, startWorker } from '../helpers/nats-server.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

/**
 * Issue 22, item 6 (coordinator side): a message on a real task subject that is not the task the
 * coordinator published — junk from anyone who may publish there, even under the message id the
 * coordinator would use — must not become the task's row; nor may a junk message on its result
 * subject. The coordinator knows its own tasks are valid, so it runs them again. The server here
 * has no users: what a holder of the coordinator's credentials, or anyone on an open server, can do.
 */

const nats = serverPerFile(test);
const { workers } = nats;

const SPEC = `
name: integrity
seed: 13
problem: { kind: torus }
optimizers: [ { kind: newton }, { kind: bfgs } ]
seeds: 10
stop: { gradTol: 1.0e-10, maxIter: 100 }
`;

test.serial(
  'junk on the task and result subjects of real task ids is not their row: the tasks run again',
  async (t) => {
    const dir = tempDir();
    const p = writeSpec(dir, SPEC);
    const plan = planStudy(p);
    const key = studyKey(plan.spec.name, plan.planHash);
    workers.push(await startWorker(nats.server.url, 1)); // it makes the streams, and eats the junk
    const nc = await connect({ servers: nats.server.url });
    try {
      const js = jetstream(nc);
      const jsm = await jetstreamManager(nc);
      const junk = plan.tasks.slice(0, 16);
      for (const [i, task] of junk.entries()) {
        // Half of them under the message id the coordinator's first publish of the task will use,
        // so that the server drops that publish as a duplicate.
        const o = i % 2 === 0 ? { msgID: taskMsgId(key, 1, task.id) } : {};
        await js.publish(taskSubject(key, task.id), 'not a task', o);
      }
      for (const task of plan.tasks.slice(16)) await js.publish(resultSubject(key, task.id), '{"v":1,');
      // The worker reports every junk task message as malformed to the task's study.
      const deadline = Date.now() + 60_000;
      const stored = async () =>
        (await jsm.streams.info('SADDLESCOPE_RESULTS', { subjects_filter: studyResults(key) })).state
          .messages;
      while ((await stored()) < plan.tasks.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      t.is(await stored(), plan.tasks.length, 'every junk message answered or stored');

      const out = join(dir, 'out');
      const run = startTracked(['run', p, '--nats', nats.server.url, '--out', out]);
      const done = await run.exit;
      t.is(done.code, 0, run.out.text);
      const rows = readTable(out, 'runs').toArray();
      t.is(rows.length, plan.tasks.length);
      t.is(new Set(rows.map((r) => r.task_id)).size, plan.tasks.length, 'every task exactly once');
      t.deepEqual(
        rows.filter((r) => /malformed|unreadable/.test(String(r.message))).map((r) => r.message),
        [],
        'no junk became a row',
      );
      t.regex(run.out.text, /not its row: published again \(1 of 4\)/);
      // The rows the tasks give when run anywhere else.
      const local = join(dir, 'local');
      const l = await runCli(['run', p, '--out', local, '--threads', '1']);
      t.is(l.code, 0, l.stderr);
      t.deepEqual(reproducibleRows(out), reproducibleRows(local));
    } finally {
      await nc.close();
    }
  },
);

test("reports that a task is not the coordinator's are retried up to the limit; results and max deliveries are rows", (t) => {
  const r = new TaskRetries(3);
  const malformed = `${MALFORMED_TASK}: task message: not UTF-8 JSON`;
  t.is(r.judge('a', malformed, null), 'retry');
  t.is(r.retries('a'), 1);
  t.is(r.judge('a', null, 'it holds the row of task b, not a'), 'retry');
  t.is(r.judge('a', malformed, null), 'record', 'the third report is the row: a study never hangs on junk');
  t.is(r.judge('b', null, null), 'record', 'a result');
  t.is(r.judge('c', 'max deliveries: delivered 5 times without a result', null), 'record');
  t.is(r.retries('c'), 0);
});
