/**
 * Routing by engine on NATS against a real nats-server: tfjs tasks go to the tfjs subject, which
 * only tfjs workers pull; f64 tasks go to every worker. An old tasks stream (without the tfjs
 * subjects) is brought up to date.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import test from 'ava';
import {
  TASKS_STREAM,
  TASKS_SUBJECTS,
  TFJS_TASKS_SUBJECTS,
  TFJS_WORKERS_CONSUMER,
  WORKERS_CONSUMER,
} from '../../worker/nats/names.js';
import { collect, startCli, tempDir } from '../helpers/cli.js';
import { serverPerFile, startWorker } from '../helpers/nats-server.js';
import { readTable } from '../helpers/rows.js';

const nats = serverPerFile(test);
const { workers } = nats;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SPEC = `
name: engines-nats
seed: 9
problem: { kind: mlp-regression, width: 4, points: 16, domain: [-1, 0.5] }
optimizers: [ { kind: adam, lr: 0.02 }, { kind: adam, lr: 0.02, engine: tfjs } ]
seeds: 4
stop: { maxIter: 15 }
`;

test.serial(
  'f64 and tfjs tasks through NATS: one row each, the tfjs ones run only by the tfjs worker',
  async (t) => {
    const nc = await connect({ servers: nats.server.url });
    const jsm = await jetstreamManager(nc);
    // The tasks stream as a saddlescope without engines made it: the worker adds the tfjs subjects.
    await jsm.streams.add({
      name: TASKS_STREAM,
      subjects: [TASKS_SUBJECTS],
      retention: RetentionPolicy.Workqueue,
    });
    const presence: Array<{ id: string; engines: string[] }> = [];
    const sub = nc.subscribe('saddlescope.workers', {
      callback: (_, m) => {
        presence.push(m.json());
      },
    });

    const f64Worker = await startWorker(nats.server.url, 1);
    workers.push(f64Worker);
    t.deepEqual((await jsm.streams.info(TASKS_STREAM)).config.subjects, [
      TASKS_SUBJECTS,
      TFJS_TASKS_SUBJECTS,
    ]);

    const dir = tempDir();
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, SPEC);
    const out = join(dir, 'out');
    const coordinator = startCli(['run', spec, '--nats', nats.server.url, '--out', out]);
    // Killed if the test ends early (a failed wait), so that the file's process can exit.
    t.teardown(() => coordinator.kill('SIGKILL'));
    const run = collect(coordinator);

    // With only the f64 worker, the f64 tasks are done and the tfjs tasks wait on their own consumer.
    const pending = async () => ({
      f64: await jsm.consumers.info(TASKS_STREAM, WORKERS_CONSUMER),
      tfjs: await jsm.consumers.info(TASKS_STREAM, TFJS_WORKERS_CONSUMER),
    });
    let p = await pending();
    // Up to a minute: a full `npm test` on two cores starts these processes slowly.
    for (
      let i = 0;
      i < 600 && !(p.tfjs.num_pending === 4 && p.f64.num_pending === 0 && p.f64.num_ack_pending === 0);
      i++
    ) {
      await sleep(100);
      p = await pending();
    }
    t.like(p.f64, { num_pending: 0, num_ack_pending: 0 });
    t.like(p.tfjs, { num_pending: 4, num_ack_pending: 0 });
    t.is(p.f64.delivered.consumer_seq, 4, 'the f64 consumer delivered the 4 f64 tasks only');

    const tfjsWorker = await startWorker(nats.server.url, 1, { SADDLESCOPE_ENGINE: 'tfjs' });
    workers.push(tfjsWorker);
    await tfjsWorker.out.waitFor(/tfjs engine: backend tfjs-cpu \(one tfjs thread\)/);
    const r = await run;
    t.is(r.code, 0, r.stderr);

    const rows = readTable(out, 'runs')
      .toArray()
      .map((x) => x.toJSON() as Record<string, unknown>);
    t.is(rows.length, 8);
    t.is(new Set(rows.map((x) => x.task_id)).size, 8, 'every task exactly one row');
    const tfjs = rows.filter((x) => x.engine === 'tfjs');
    t.is(tfjs.length, 4);
    t.true(tfjs.every((x) => x.backend === 'tfjs-cpu' && x.status === 'max_iter'));
    t.true(
      rows.filter((x) => x.engine === 'f64').every((x) => x.backend === null && x.status === 'max_iter'),
    );
    p = await pending();
    t.is(p.f64.delivered.consumer_seq, 4, 'no tfjs task ever reached the f64 consumer');
    t.is(p.tfjs.delivered.consumer_seq, 4);

    // Workers say which engines they run.
    await sleep(5500);
    sub.unsubscribe();
    const engines = new Map(presence.map((m) => [m.id, m.engines.join(',')]));
    t.deepEqual([...new Set(engines.values())].sort(), ['f64', 'f64,tfjs']);
    await nc.close();
  },
);
