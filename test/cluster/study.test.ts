import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import test from 'ava';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import {
  killAll,
  NatsServer,
  serverPerFile,
  startTracked,
  startWorker,
  type WorkerProcess,
} from '../helpers/nats-server.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

/**
 * A study through NATS (a coordinator and worker processes) against a real nats-server: the same
 * rows as the local transport; status; malformed messages; a graceful drain.
 */

const nats = serverPerFile(test);
const { workers } = nats;

const readyz = (w: WorkerProcess) =>
  fetch(`http://127.0.0.1:${w.healthPort}/readyz`).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));

test.serial(
  'a malformed message on the task subject is logged and terminated; the worker carries on',
  async (t) => {
    workers.push(await startWorker(nats.server.url, 1), await startWorker(nats.server.url, 1));
    const [w] = workers;
    t.is((await readyz(w)).status, 200);
    const nc = await connect({ servers: nats.server.url });
    const js = jetstream(nc);
    await js.publish('saddlescope.tasks.garbage', 'not json at all');
    await js.publish('saddlescope.tasks.nostudy-000000000000.0123456789abcdef0123', '{"kind":"sleep"}');
    const both = (re: RegExp) => Promise.race(workers.map((x) => x.out.waitFor(re, 10_000)));
    await both(
      /malformed task message on saddlescope\.tasks\.garbage \(15 bytes\): task message: not UTF-8 JSON/,
    );
    await both(
      /malformed task message on saddlescope\.tasks\.nostudy-000000000000\.0123456789abcdef0123 .*kind: must be one of/,
    );
    // terminated: gone from the work queue, not redelivered
    const jsm = await jetstreamManager(nc);
    const deadline = Date.now() + 5000;
    while ((await jsm.streams.info('SADDLESCOPE_TASKS')).state.messages > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    t.is((await jsm.streams.info('SADDLESCOPE_TASKS')).state.messages, 0);
    // the malformed task on a study's subject is reported to that study's coordinator
    const failure = await jsm.streams.getMessage('SADDLESCOPE_RESULTS', {
      last_by_subj: 'saddlescope.results.nostudy-000000000000.0123456789abcdef0123',
    });
    t.regex(failure!.string(), /"kind":"failure".*malformed task message/);
    for (const x of workers) {
      t.is(x.child.exitCode, null, 'still running');
      t.is((await readyz(x)).status, 200);
    }
    await nc.close();
  },
);

test.serial(
  'a study through a coordinator and two workers gives the rows of the local transport',
  async (t) => {
    const dir = tempDir();
    const p = writeSpec(
      dir,
      `name: cluster-equal
seed: 11
problem: { kind: torus }
optimizers: [ { kind: newton }, { kind: saddle-free-newton }, { kind: bfgs } ]
seeds: 10
stop: { gradTol: 1.0e-10, maxIter: 100 }
record: { historyStride: 5, eigenvalues: true }
`,
    );
    const [local, cluster] = [join(dir, 'local'), join(dir, 'cluster')];
    const l = await runCli(['run', p, '--out', local, '--threads', '2']);
    t.is(l.code, 0, l.stderr);
    const c = await runCli(['run', p, '--nats', nats.server.url, '--out', cluster]);
    t.is(c.code, 0, c.stderr);
    t.regex(
      c.stderr,
      /study cluster-equal-[0-9a-f]{12} \(epoch 1\): 0 stored result\(s\) read back, 0 task\(s\) already queued, publishing 30/,
    );
    t.deepEqual(reproducibleRows(cluster, 'runs'), reproducibleRows(local, 'runs'));
    t.deepEqual(reproducibleRows(cluster, 'history'), reproducibleRows(local, 'history'));
    t.is(readTable(cluster, 'runs').numRows, 30);
    t.false(existsSync(join(cluster, 'results.journal')));
    t.is(c.stdout, l.stdout, 'the same summary');

    // status lists the study, complete; the queue is empty
    const s = await runCli(['status', '--json'], { NATS_URL: nats.server.url });
    t.is(s.code, 0, s.stderr);
    const status = JSON.parse(s.stdout);
    const mine = status.studies.find((x: { name: string }) => x.name === 'cluster-equal');
    t.like(mine, { state: 'complete', done: 30, total: 30, errors: 0, epoch: 1, out: cluster });
    t.like(status.queue, { waiting: 0, inFlight: 0 });
    const text = await runCli(['status', '--nats', nats.server.url]);
    t.regex(text.stdout, /^cluster-equal-[0-9a-f]{12}\s+complete\s+30\/30\s+100%/m);

    // Run again into a fresh out dir: a new epoch runs every task again, with the same rows.
    const again = join(dir, 'again');
    const a = await runCli(['run', p, '--nats', nats.server.url, '--out', again]);
    t.is(a.code, 0, a.stderr);
    t.regex(
      a.stderr,
      /\(epoch 2\): 0 stored result\(s\) read back, 0 task\(s\) already queued, publishing 30/,
    );
    t.deepEqual(reproducibleRows(again, 'runs'), reproducibleRows(local, 'runs'));
    // and into the complete out dir: nothing to do
    const none = await runCli(['run', p, '--nats', nats.server.url, '--out', cluster]);
    t.is(none.code, 0, none.stderr);
    t.regex(none.stderr, /30 already done, 0 to run/);
  },
);

test.serial(
  'SIGTERM drains a worker: ready → 503, tasks in flight finish and are stored, exit 0',
  async (t) => {
    const dir = tempDir();
    // Two slow tasks (ADAM to its iteration cap), one worker with two threads running both.
    const p = writeSpec(
      dir,
      `name: drain\nseed: 4\nproblem: { kind: torus }\noptimizers: [ { kind: adam, lr: 1.0e-8 } ]\nseeds: 2\nstop: { gradTol: 1.0e-14, maxIter: 3000000 }\n`,
    );
    const old = workers.splice(0);
    killAll(...old);
    await Promise.all(old.map((x) => x.exit));
    const w = await startWorker(nats.server.url, 2);
    workers.push(w);
    const out = join(dir, 'out');
    const coordinator = startTracked(['run', p, '--nats', nats.server.url, '--out', out]);
    const nc = await connect({ servers: nats.server.url });
    const jsm = await jetstreamManager(nc);
    const deadline = Date.now() + 20_000;
    while ((await jsm.consumers.info('SADDLESCOPE_TASKS', 'saddlescope-workers')).num_ack_pending < 2) {
      if (Date.now() > deadline) t.fail('the worker never ran both tasks');
      await new Promise((r) => setTimeout(r, 50));
    }
    w.child.kill('SIGTERM');
    await w.out.waitFor(/SIGTERM: draining: stopped pulling; finishing 2 task\(s\) in flight/);
    const r = await readyz(w);
    t.is(r.status, 503);
    t.regex(r.body, /not ready: draining/);
    const exit = await w.exit;
    t.deepEqual(exit, { code: 0, signal: null }, w.out.text);
    t.regex(w.out.text, /drained: 2 task\(s\) done; exiting/);
    const done = await coordinator.exit;
    t.is(done.code, 0, coordinator.out.text);
    t.is(readTable(out, 'runs').numRows, 2);
    t.true(
      readTable(out, 'runs')
        .toArray()
        .every((row) => row.status === 'max_iter'),
    );
    await nc.close();
  },
);

test.serial(
  'wrong credentials: exit 2 at once with a clear message, no retries, no secret printed',
  async (t) => {
    const secured = await NatsServer.start({ user: 'alice', pass: 's3cret-pass' });
    try {
      const dir = tempDir();
      const p = writeSpec(
        dir,
        `name: creds\nseed: 1\nproblem: { kind: torus }\noptimizers: [ { kind: bfgs } ]\nseeds: 2\n`,
      );
      const bad = { NATS_USER: 'alice', NATS_PASSWORD: 'wrong-pass-123' };
      const t0 = Date.now();
      const results = await Promise.all([
        runCli(['worker', '--nats', secured.url, '--threads', '1'], bad),
        runCli(['run', p, '--nats', secured.url, '--out', join(dir, 'out')], bad),
        runCli(['status', '--nats', secured.url], bad),
        runCli(['status', '--nats', secured.url]), // no credentials at all
      ]);
      t.true(Date.now() - t0 < 15_000, 'fails fast');
      for (const r of results) {
        t.is(r.code, 2, r.stderr);
        t.regex(
          r.stderr,
          /saddlescope: NATS at nats:\/\/127\.0\.0\.1:\d+ .*refused the connection: Authorization Violation: check --nats-user\/--nats-pass/,
        );
        t.notRegex(r.stderr + r.stdout, /wrong-pass-123|s3cret-pass/);
      }
      t.regex(results[0].stderr, /\(user 'alice' with password\)/);
      t.false(existsSync(join(dir, 'out')), 'run wrote nothing');
      // one refused connection per process: no retry storm
      const refusals = secured.log.match(/authorization violation/gi)?.length ?? 0;
      t.true(refusals <= 4, `${refusals} refused connections`);
      // the right credentials, from the environment
      const ok = await runCli(['status', '--nats', secured.url], {
        NATS_USER: 'alice',
        NATS_PASSWORD: 's3cret-pass',
      });
      t.is(ok.code, 0, ok.stderr);
      t.regex(ok.stdout, /no studies/);
    } finally {
      await secured.destroy();
    }
  },
);
