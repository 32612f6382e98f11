import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import test from 'ava';
import pino from 'pino';
import { lostTasks } from '../../coordinator/nats/lost-tasks.js';
import { coordinatorMayBeAlive, StudyRegistry, startingStatus } from '../../coordinator/nats/studies.js';
import { finishStudy } from '../../coordinator/nats/study-finish.js';
import { resultsConsumer } from '../../coordinator/nats/study-streams.js';
import {
  coordinatorConsumer,
  RESULTS_STREAM,
  resultSubject,
  studyResults,
  studyTasks,
  TASKS_STREAM,
} from '../../worker/nats/names.js';
import { ensureInfrastructure } from '../../worker/nats/setup.js';
import { tempDir, writeSpec } from '../helpers/cli.js';
import {
  type CliProcess,
  killAll,
  serverPerFile,
  startTracked,
  startWorker,
  withConnection,
} from '../helpers/nats-server.js';
import { readTable } from '../helpers/rows.js';

/**
 * Issue 22, item 5: two coordinators of one study into different out dirs, and tasks the server
 * will never bring back. Neither may wait silently: the first to complete keeps the results the
 * other still reads, a stopped one does not write `stopped` over `complete`, a rerun takes fresh
 * message ids, and tasks that are neither queued nor answered are published again.
 */

const nats = serverPerFile(test);
const silent = pino({ level: 'silent' });
const FAST = { SADDLESCOPE_ACK_WAIT_SECONDS: '2' };
const SEEDS = 12;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ADAM with a tiny rate runs to its cap: about half a second a task, so the second coordinator starts while the first runs. */
const spec = (dir: string, name: string) =>
  writeSpec(dir, [
    `name: ${name}`,
    'seed: 5',
    'problem: { kind: torus }',
    'optimizers: [ { kind: adam, lr: 1.0e-8 } ]',
    `seeds: ${SEEDS}`,
    'stop: { gradTol: 1.0e-14, maxIter: 400000 }',
  ]);

/** The process's exit, or null if it is still running after `ms`. */
const exitWithin = (p: CliProcess, ms: number) => Promise.race([p.exit, sleep(ms).then(() => null)]);

const taskIds = (out: string) =>
  readTable(out, 'runs')
    .toArray()
    .map((r) => r.task_id as string)
    .sort();

test.serial(
  'two coordinators of one study into two out dirs: both complete with every row once; stopped does not overwrite complete',
  async (t) => {
    const dir = tempDir();
    const file = spec(dir, 'two-coordinators');
    const url = nats.server.url;
    const [out1, out2] = [join(dir, 'out1'), join(dir, 'out2')];
    const procs: CliProcess[] = [];
    try {
      procs.push(await startWorker(url, 1, FAST));
      // Started together, so that both run the study at once (on a loaded machine a second one
      // started later could find it complete already).
      const c1 = startTracked(['run', file, '--nats', url, '--out', out1], FAST);
      const c2 = startTracked(['run', file, '--nats', url, '--out', out2], FAST);
      procs.push(c1, c2);
      const [, key] = await c1.out.waitFor(/study (\S+) \(epoch \d+\)/, 120_000);
      await c2.out.waitFor(/publishing \d+/, 120_000);
      // The second is held while the first completes (and, before the fix, purged the results
      // the second had not read yet), then interrupted.
      c2.child.kill('SIGSTOP');
      const e1 = await exitWithin(c1, 120_000);
      t.is(e1?.code, 0, c1.out.text);
      c2.child.kill('SIGINT');
      c2.child.kill('SIGCONT');
      const e2 = await exitWithin(c2, 60_000);
      t.truthy(e2, `the second coordinator did not stop:\n${c2.out.text}`);
      const status = await withConnection(nats.server, async (nc) =>
        new StudyRegistry((await ensureInfrastructure(nc, silent)).studies).status(key),
      );
      t.is(
        status?.state,
        'complete',
        `the study completed on the server: a stopped out dir does not undo that\n${JSON.stringify(status)}\n--- c1:\n${c1.out.text}\n--- c2:\n${c2.out.text}`,
      );
      // Run again at once (within the duplicate window): the rest of out2's rows come, each once.
      const again = startTracked(['run', file, '--nats', url, '--out', out2], FAST);
      procs.push(again);
      const e3 = await exitWithin(again, 90_000);
      t.truthy(e3, `the rerun waits:\n${again.out.text}`);
      t.is(e3?.code, 0, again.out.text);
      t.is(taskIds(out1).length, SEEDS);
      t.deepEqual(taskIds(out2), taskIds(out1), 'each out dir has every task once');
    } finally {
      killAll(...procs);
    }
  },
);

test.serial('tasks neither queued nor answered are published again, not waited for', async (t) => {
  const dir = tempDir();
  const file = spec(dir, 'lost-tasks');
  const url = nats.server.url;
  const out = join(dir, 'out');
  const c = startTracked(['run', file, '--nats', url, '--out', out], FAST);
  try {
    const [, key] = await c.out.waitFor(/study (\S+) \(epoch \d+\): .* publishing 12/, 120_000);
    await sleep(500);
    // No worker yet: every task is queued. Gone from the queue, nothing would ever bring them.
    await withConnection(nats.server, async (nc) => {
      const { jsm } = await ensureInfrastructure(nc, silent);
      await jsm.streams.purge(TASKS_STREAM, { filter: studyTasks(key) });
    });
    const w = await startWorker(url, 1, FAST);
    nats.workers.push(w);
    const e = await exitWithin(c, 90_000);
    t.truthy(e, `the coordinator waits for lost tasks:\n${c.out.text}`);
    t.is(e?.code, 0, c.out.text);
    t.regex(c.out.text, /12 task\(s\) without a row are neither queued nor have a result waiting/);
    const ids = taskIds(out);
    t.is(ids.length, SEEDS);
    t.is(new Set(ids).size, SEEDS);
  } finally {
    killAll(c);
  }
});

test.serial(
  "completing one out dir keeps a study's results while another out dir's consumer reads them",
  (t) =>
    withConnection(nats.server, async (nc) => {
      const { jsm, studies } = await ensureInfrastructure(nc, silent);
      const registry = new StudyRegistry(studies);
      const key = 'finish-000000000001';
      const js = jetstream(nc);
      await resultsConsumer(js, jsm, key, '/a\n1');
      await resultsConsumer(js, jsm, key, '/b\n1');
      await js.publish(resultSubject(key, '0'.repeat(20)), new TextEncoder().encode('a result'));
      const stored = async () => {
        const info = await jsm.streams.info(RESULTS_STREAM, { subjects_filter: studyResults(key) });
        return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
      };
      const base = startingStatus(null, {
        key,
        name: 'finish',
        planHash: 'p',
        total: 1,
        todo: 1,
        out: '/a',
        coordinator: 'a:1',
      }).status;
      const finisher = (out: string) => ({
        jsm,
        registry,
        log: silent,
        consumerName: coordinatorConsumer(key, `${out}\n1`),
      });
      await finishStudy(finisher('/a'), { ...base, state: 'complete' }, true);
      t.is(await stored(), 1, 'out dir /b has not read it yet');
      t.is((await registry.status(key))?.state, 'complete');
      await finishStudy(finisher('/b'), { ...base, out: '/b', coordinator: 'b:2', state: 'stopped' }, false);
      t.is(
        (await registry.status(key))?.state,
        'complete',
        'stopped is not written over complete at one epoch',
      );
      await finishStudy(finisher('/b'), { ...base, out: '/b', coordinator: 'b:2', state: 'complete' }, true);
      t.is(await stored(), 0, 'the last reader gone, the results are purged');
      // lostTasks: nothing queued, nothing waiting → every pending task is lost.
      await resultsConsumer(js, jsm, key, '/c\n1');
      const pending = new Map([['t'.repeat(20), { id: 't'.repeat(20) } as never]]);
      t.is((await lostTasks(jsm, key, coordinatorConsumer(key, '/c\n1'), pending)).length, 1);
      await js.publish(resultSubject(key, '1'.repeat(20)), new TextEncoder().encode('a result'));
      t.is(
        (await lostTasks(jsm, key, coordinatorConsumer(key, '/c\n1'), pending)).length,
        0,
        'a result waits',
      );
    }),
);

test('each coordinator session takes a new epoch, but one joining a running study shares its epoch', (t) => {
  const s = { key: 'k', name: 'n', planHash: 'p', total: 10, todo: 5, out: '/o', coordinator: 'h:1' };
  const prev = (state: 'running' | 'stopped' | 'complete', agoMs: number, coordinator = 'h:2') => ({
    ...startingStatus(null, { ...s, coordinator }).status,
    state,
    epoch: 3,
    updated: new Date(Date.now() - agoMs).toISOString(),
  });
  t.is(startingStatus(null, s).status.epoch, 1);
  t.is(startingStatus(prev('stopped', 1000), s).status.epoch, 4, 'a rerun after a stop: fresh message ids');
  t.is(startingStatus(prev('complete', 1000), s).status.epoch, 4);
  t.is(startingStatus(prev('running', 60_000), s).status.epoch, 4, 'a coordinator killed a minute ago');
  const joined = startingStatus(prev('running', 2000), s);
  t.is(joined.status.epoch, 3, 'a second coordinator of a running study shares its epoch');
  t.regex(joined.warning ?? '', /two coordinators of one study/);
  t.is(startingStatus(prev('running', 2000, 'h:1'), s).warning, null);
  // A predecessor whose process is gone (killed, then a coordinator started at once): not a second
  // coordinator; its session is over, so the new one takes a fresh epoch.
  const restarted = startingStatus(prev('running', 2000), s, () => false);
  t.is(restarted.warning, null);
  t.is(restarted.status.epoch, 4);
});

test('a coordinator on this host whose process has exited is not alive; one on another host may be', (t) => {
  t.true(coordinatorMayBeAlive(`${hostname()}:${process.pid}`));
  const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
  t.false(coordinatorMayBeAlive(`${hostname()}:${gone}`));
  t.true(coordinatorMayBeAlive(`another-host-${hostname()}:${gone}`));
  t.true(coordinatorMayBeAlive('no pid here'));
});
