import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { studyTasks, TASKS_STREAM } from '../../worker/nats/names.js';
import { ensureInfrastructure } from '../../worker/nats/setup.js';
import { tempDir, writeSpec } from '../helpers/cli.js';
import { killAll, serverPerFile, startTracked, startWorker, withConnection } from '../helpers/nats-server.js';
import { readTable } from '../helpers/rows.js';

/**
 * The cluster coordinator takes tasks from the lazy plan a window at a time (issue 19): the work
 * queue never holds more of a study's tasks than the window, and the study still completes with
 * every task once.
 */

const nats = serverPerFile(test);
const silent = pino({ level: 'silent' });
const SEEDS = 120;
const WINDOW = 16;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a study of 120 tasks through a window of 16: at most 16 queued at once, every task once', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(dir, [
    'name: publish-window',
    'seed: 9',
    'problem: { kind: torus }',
    'optimizers: [ { kind: adam, lr: 1.0e-8 } ]',
    `seeds: ${SEEDS}`,
    'stop: { gradTol: 1.0e-14, maxIter: 5000 }',
  ]);
  const out = join(dir, 'out');
  nats.workers.push(await startWorker(nats.server.url, 1));
  const c = startTracked(['run', spec, '--nats', nats.server.url, '--out', out], {
    SADDLESCOPE_PUBLISH_WINDOW: String(WINDOW),
  });
  try {
    const [, key] = await c.out.waitFor(/study (\S+) \(epoch \d+\)/, 120_000);
    let most = 0;
    let polls = 0;
    await withConnection(nats.server, async (nc) => {
      const { jsm } = await ensureInfrastructure(nc, silent);
      while (c.child.exitCode === null) {
        const info = await jsm.streams.info(TASKS_STREAM, { subjects_filter: studyTasks(key) });
        most = Math.max(most, Object.keys(info.state.subjects ?? {}).length);
        polls++;
        await sleep(20);
      }
    });
    const e = await c.exit;
    t.is(e.code, 0, c.out.text);
    t.regex(c.out.text, new RegExp(`publishing ${WINDOW} \\(the first ${WINDOW} of the plan`));
    t.true(polls > 10, `the queue was read ${polls} times while the study ran`);
    // A worker acks a task after its result is stored (with its next pull, up to 5 ms later), so a
    // few tasks that have their rows may still be in the queue beside a full window; without the
    // window all 120 would be queued at once.
    t.true(most > 0 && most <= WINDOW + 4, `at most ${WINDOW} (+4 being acked) queued at once, saw ${most}`);
    const ids = readTable(out, 'runs')
      .toArray()
      .map((r) => r.task_id as string);
    t.is(ids.length, SEEDS);
    t.is(new Set(ids).size, SEEDS);
  } finally {
    killAll(c);
  }
});
