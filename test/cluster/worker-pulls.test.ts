import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import test from 'ava';
import { TASKS_STREAM, WORKERS_CONSUMER } from '../../worker/nats/names.js';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import { serverPerFile, startWorker, withConnection } from '../helpers/nats-server.js';
import { readTable } from '../helpers/rows.js';

/**
 * A worker's pull requests on the shared consumer: each slot that frees asks at once, but a
 * worker keeps at most 4 requests waiting on the server (nats-worker.ts MAX_PULLS), so a cluster of
 * many-threaded workers stays within the consumer's max_waiting.
 */

const nats = serverPerFile(test);

test('an 8-thread worker whose slots free one by one keeps at most 4 pull requests waiting', async (t) => {
  const w = await startWorker(nats.server.url, 8);
  nats.workers.push(w);
  const dir = tempDir();
  // Damped Newton on a small tanh network: runs of different lengths, so the slots free one by one.
  const spec = writeSpec(dir, [
    'name: pull-cap',
    'seed: 4',
    'problem: { kind: mlp-regression, width: 6, depth: 2, activation: tanh, target: { kind: sin, k: 2 }, points: 60 }',
    'optimizers: [ { kind: newton, alpha: 0.5, lambda: 1.0e-3 } ]',
    'seeds: 8',
    'stop: { gradTol: 1.0e-9, maxIter: 120 }',
  ]);
  const out = join(dir, 'out');
  const r = await runCli(['run', spec, '--out', out, '--nats', nats.server.url]);
  t.is(r.code, 0, r.stderr);
  const iterations = readTable(out)
    .toArray()
    .map((row) => row.iterations as number);
  t.is(iterations.length, 8);
  t.true(new Set(iterations).size > 2, `runs of different lengths: ${iterations}`);
  // Every slot is free now and the queue is empty: what the worker still asks for waits on the server.
  const waiting = await withConnection(nats.server, async (nc) => {
    const jsm = await jetstreamManager(nc);
    return (await jsm.consumers.info(TASKS_STREAM, WORKERS_CONSUMER)).num_waiting;
  });
  t.true(waiting >= 1, 'an idle worker keeps asking');
  t.true(waiting <= 4, `${waiting} pull requests waiting`);
});
