import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import test from 'ava';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import {
  type Credentials,
  killAll,
  NatsServer,
  ROLES,
  roleEnv,
  startTracked,
  startWorker,
  type WorkerProcess,
} from '../helpers/nats-server.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

/**
 * Issue 22, item 6 (deployment): the server as deployed (deploy/k8s/base/nats.conf) has a
 * coordinator user and a worker user with subject permissions. A worker's credentials cannot put a
 * task on the queue, nor purge, delete or reconfigure the streams; the coordinator's can publish
 * tasks; and a whole study still runs with each process under its own user.
 */

let server: NatsServer;
const workers: WorkerProcess[] = [];
test.before(async () => {
  server = await NatsServer.startDeployed();
});
test.after.always(async () => {
  killAll(...workers);
  await server?.destroy();
});

const as = (c: Credentials): Promise<NatsConnection> =>
  connect({ servers: server.url, user: c.user, pass: c.pass, noAsyncTraces: true });
const violations = (from = 0) => server.log.slice(from).match(/.*Violation.*/g) ?? [];

const TASK = 'saddlescope.tasks.perm-000000000000.0123456789abcdef0123';
const TFJS_TASK = 'saddlescope.tasks-tfjs.perm-000000000000.0123456789abcdef0123';

test.serial('a worker bootstraps the streams under its own user, then cannot publish a task', async (t) => {
  // The first process up makes the streams and consumers (deploy/README.md): here, a worker.
  const w = await startWorker(server.url, 1, roleEnv(ROLES.worker));
  w.child.kill('SIGTERM');
  t.deepEqual(await w.exit, { code: 0, signal: null }, w.out.text);
  t.deepEqual(violations(), [], 'the worker needed nothing it is not allowed');

  const worker = await as(ROLES.worker);
  const coordinator = await as(ROLES.coordinator);
  try {
    const js = jetstream(worker);
    for (const subject of [TASK, TFJS_TASK])
      await t.throwsAsync(js.publish(subject, 'not a task'), {
        message: new RegExp(`Permissions Violation for Publish to "${subject.replace(/\./g, '\\.')}"`),
      });
    // A bare publish (no reply) is refused by the server all the same: it reports it and drops it.
    worker.publish(TASK, 'not a task either');
    await worker.flush();
    const wm = await jetstreamManager(worker);
    for (const [what, op] of [
      ['purge', () => wm.streams.purge('SADDLESCOPE_TASKS')],
      ['delete', () => wm.streams.delete('SADDLESCOPE_RESULTS')],
      ['update', () => wm.streams.update('SADDLESCOPE_TASKS', { subjects: ['saddlescope.>'] })],
      ['delete the consumer', () => wm.consumers.delete('SADDLESCOPE_TASKS', 'saddlescope-workers')],
    ] as const)
      await t.throwsAsync(op(), { message: /Permissions Violation for Publish to "\$JS\.API\./ }, what);

    const cm = await jetstreamManager(coordinator);
    t.is((await cm.streams.info('SADDLESCOPE_TASKS')).state.messages, 0, 'nothing reached the queue');
    const refused = violations();
    t.true(refused.length >= 7, refused.join('\n'));
    t.true(refused.every((l) => /User "worker"/.test(l)));

    // The coordinator's credentials publish the same subject; the message is stored.
    const ack = await jetstream(coordinator).publish(TASK, 'a task', { msgID: 'perm-test' });
    t.is(ack.stream, 'SADDLESCOPE_TASKS');
    t.is((await cm.streams.info('SADDLESCOPE_TASKS')).state.messages, 1);
    await cm.streams.purge('SADDLESCOPE_TASKS');
  } finally {
    await worker.close();
    await coordinator.close();
  }
});

test.serial('a whole study runs with the coordinator and the workers under their own users', async (t) => {
  const dir = tempDir();
  const p = writeSpec(
    dir,
    `name: perm-study
seed: 5
problem: { kind: torus }
optimizers: [ { kind: newton }, { kind: bfgs } ]
seeds: 12
stop: { gradTol: 1.0e-10, maxIter: 100 }
record: { historyStride: 10 }
`,
  );
  const before = server.log.length;
  workers.push(
    await startWorker(server.url, 1, roleEnv(ROLES.worker)),
    await startWorker(server.url, 1, roleEnv(ROLES.worker)),
  );
  const out = join(dir, 'out');
  const run = startTracked(['run', p, '--nats', server.url, '--out', out], roleEnv(ROLES.coordinator));
  const done = await run.exit;
  t.is(done.code, 0, run.out.text);
  const ids = readTable(out, 'runs')
    .toArray()
    .map((r) => r.task_id as string);
  t.is(ids.length, 24);
  t.is(new Set(ids).size, 24, 'every task exactly once');
  // The same rows as the local transport.
  const local = join(dir, 'local');
  const l = await runCli(['run', p, '--out', local, '--threads', '1']);
  t.is(l.code, 0, l.stderr);
  t.deepEqual(reproducibleRows(out), reproducibleRows(local));
  // The coordinator's user also serves `status`.
  const s = await runCli(['status', '--nats', server.url], roleEnv(ROLES.coordinator));
  t.is(s.code, 0, s.stderr);
  t.regex(s.stdout, /perm-study/);
  t.deepEqual(violations(before), [], 'no process needed a subject it is not allowed');
});
