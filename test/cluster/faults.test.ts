import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import test, { type ExecutionContext } from 'ava';
import { Journal } from '../../coordinator/journal.js';
import { tempDir } from '../helpers/cli.js';
import {
  type CliProcess,
  killAll,
  NatsServer,
  startTracked,
  startWorker,
  type WorkerProcess,
} from '../helpers/nats-server.js';
import { readTable } from '../helpers/rows.js';

/**
 * Faults while a study runs through NATS: a worker killed, the server restarted, the coordinator
 * killed, a task that kills its workers. Each test has its own server; every task must end with
 * exactly one row. Short ack waits make redeliveries quick.
 */

const FAST = { SADDLESCOPE_ACK_WAIT_SECONDS: '2' };
const SEEDS = 30;

/** ADAM with a tiny rate runs to its iteration cap: ~0.3 s a task, slow enough to interrupt. */
function slowSpec(name: string, seeds = SEEDS, maxIter = 300_000): { dir: string; spec: string } {
  const dir = tempDir();
  const spec = join(dir, 'spec.yaml');
  writeFileSync(
    spec,
    `name: ${name}\nseed: 3\nproblem: { kind: torus }\noptimizers: [ { kind: adam, lr: 1.0e-8 } ]\nseeds: ${seeds}\nstop: { gradTol: 1.0e-14, maxIter: ${maxIter} }\n`,
  );
  return { dir, spec };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the coordinator has journaled at least `n` rows. */
async function rowsJournaled(out: string, n: number, c: CliProcess): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const k = Journal.read(join(out, 'results.journal')).length;
    if (k >= n) return k;
    if (Date.now() > deadline || c.child.exitCode !== null) throw new Error(`only ${k} rows:\n${c.out.text}`);
    await sleep(25);
  }
}

function checkRows(t: ExecutionContext, out: string, n = SEEDS) {
  const rows = readTable(out, 'runs').toArray();
  const ids = rows.map((r) => r.task_id as string);
  t.is(ids.length, n);
  t.is(new Set(ids).size, n, 'each task once');
  return rows;
}

async function withCluster(
  t: ExecutionContext,
  fn: (server: NatsServer, procs: CliProcess[]) => Promise<void>,
): Promise<void> {
  const server = await NatsServer.start();
  const procs: CliProcess[] = [];
  try {
    await fn(server, procs);
  } finally {
    killAll(...procs);
    await server.destroy();
  }
  t.pass();
}

test('SIGKILL a worker in the middle: every task still ends with exactly one row', (t) =>
  withCluster(t, async (server, procs) => {
    const { dir, spec } = slowSpec('kill-worker');
    const [a, b] = [await startWorker(server.url, 1, FAST), await startWorker(server.url, 1, FAST)];
    procs.push(a, b);
    const out = join(dir, 'out');
    const c = startTracked(['run', spec, '--nats', server.url, '--out', out], FAST);
    procs.push(c);
    await rowsJournaled(out, 6, c);
    a.child.kill('SIGKILL');
    const done = await c.exit;
    t.is(done.code, 0, c.out.text);
    const rows = checkRows(t, out);
    t.true(
      rows.every((r) => r.status === 'max_iter'),
      'the killed worker’s task ran again elsewhere',
    );
  }));

test('stop and restart nats-server in the middle: the study completes, nothing lost or doubled', (t) =>
  withCluster(t, async (server, procs) => {
    const { dir, spec } = slowSpec('restart-server');
    const ws: WorkerProcess[] = [
      await startWorker(server.url, 1, FAST),
      await startWorker(server.url, 1, FAST),
    ];
    procs.push(...ws);
    const out = join(dir, 'out');
    const c = startTracked(['run', spec, '--nats', server.url, '--out', out], FAST);
    procs.push(c);
    await rowsJournaled(out, 8, c);
    await server.stop();
    await sleep(1500);
    await server.start();
    const done = await c.exit;
    t.is(done.code, 0, c.out.text);
    const rows = checkRows(t, out);
    t.true(rows.every((r) => r.status === 'max_iter'));
    t.regex(
      ws[0].out.text + ws[1].out.text,
      /disconnected from NATS; reconnecting[\s\S]*reconnected to NATS/,
    );
    for (const w of ws) t.is(w.child.exitCode, null, 'workers rode through the restart');
  }));

test('SIGKILL the coordinator and start it again: it resumes and completes with each task once', (t) =>
  withCluster(t, async (server, procs) => {
    const { dir, spec } = slowSpec('kill-coordinator');
    procs.push(await startWorker(server.url, 1, FAST), await startWorker(server.url, 1, FAST));
    const out = join(dir, 'out');
    const first = startTracked(['run', spec, '--nats', server.url, '--out', out], FAST);
    procs.push(first);
    const kept = await rowsJournaled(out, 5, first);
    first.child.kill('SIGKILL');
    await first.exit;
    // Workers go on meanwhile: their results wait in the results stream.
    await sleep(1500);
    const again = startTracked(['run', spec, '--nats', server.url, '--out', out], FAST);
    procs.push(again);
    const done = await again.exit;
    t.is(done.code, 0, again.out.text);
    // Its predecessor's process is gone: no warning of a second coordinator (issue 22, item 11).
    t.notRegex(again.out.text, /two coordinators/);
    const m = again.out.text.match(/(\d+) already done, (\d+) to run/);
    t.truthy(m, again.out.text);
    t.true(Number(m![1]) >= kept);
    const back = again.out.text.match(
      /(\d+) stored result\(s\) read back, (\d+) task\(s\) already queued, publishing (\d+)/,
    );
    t.truthy(back, again.out.text);
    t.true(Number(back![1]) > 0, 'results stored while the coordinator was down were read back');
    t.is(
      Number(m![1]) + Number(back![1]) + Number(back![2]) + Number(back![3]),
      SEEDS,
      'nothing published twice',
    );
    const rows = checkRows(t, out);
    t.true(rows.every((r) => r.status === 'max_iter'));
  }));

test('a task that kills its workers is recorded as error: max deliveries', (t) =>
  withCluster(t, async (server, procs) => {
    // Two deliveries: the first worker dies with the task, the second records the failure.
    const env = { SADDLESCOPE_ACK_WAIT_SECONDS: '1', SADDLESCOPE_MAX_DELIVER: '2' };
    const { dir, spec } = slowSpec('poison', 1, 10_000_000);
    const a = await startWorker(server.url, 1, env);
    procs.push(a);
    const out = join(dir, 'out');
    const c = startTracked(['run', spec, '--nats', server.url, '--out', out], env);
    procs.push(c);
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const deadline = Date.now() + 20_000;
    while ((await jsm.consumers.info('SADDLESCOPE_TASKS', 'saddlescope-workers')).num_ack_pending < 1) {
      if (Date.now() > deadline) t.fail('the task never started');
      await sleep(25);
    }
    a.child.kill('SIGKILL');
    const b = await startWorker(server.url, 1, env);
    procs.push(b);
    const done = await c.exit;
    t.is(done.code, 0, c.out.text);
    await b.out.waitFor(/delivery 2 of 2: not run again; recorded as error: max deliveries/);
    const [row] = checkRows(t, out, 1);
    t.is(row.status, 'error');
    t.regex(row.message as string, /^max deliveries: delivered 2 times without a result/);
    t.is(
      (await jsm.streams.info('SADDLESCOPE_TASKS')).state.messages,
      0,
      'terminated, not left in the queue',
    );
    await nc.close();
  }));
