import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { Journal } from '../../coordinator/journal.js';
import { tempDir } from '../helpers/cli.js';
import { type CliProcess, killAll, NatsServer, startTracked } from '../helpers/nats-server.js';
import { readTable } from '../helpers/rows.js';

/**
 * A nats-server that comes back with an empty store in the middle of a study (a pod restarted on
 * a fresh volume): its streams, consumers and studies bucket are gone, with every task still
 * queued. The coordinator and the workers must recreate them and finish the study (each task
 * once), saying what happened, not wait for results that can no longer come.
 */

const FAST = { SADDLESCOPE_ACK_WAIT_SECONDS: '2' };
const SEEDS = 12;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('nats-server restarted with an empty store: the study is rebuilt on it and completes, each task once', async (t) => {
  const server = await NatsServer.start();
  const procs: CliProcess[] = [];
  try {
    const dir = tempDir();
    const spec = join(dir, 'spec.yaml');
    // ADAM with a tiny rate runs to its iteration cap: slow enough that most tasks are queued.
    writeFileSync(
      spec,
      `name: store-loss\nseed: 3\nproblem: { kind: torus }\noptimizers: [ { kind: adam, lr: 1.0e-8 } ]\nseeds: ${SEEDS}\nstop: { gradTol: 1.0e-14, maxIter: 300000 }\n`,
    );
    // Started here rather than by startWorker, to wait longer for it on a loaded machine.
    const w = startTracked(['worker', '--nats', server.url, '--threads', '1'], FAST);
    procs.push(w);
    await w.out.waitFor(/pulling from/, 120_000);
    const out = join(dir, 'out');
    const c = startTracked(['run', spec, '--nats', server.url, '--out', out], FAST);
    procs.push(c);
    const deadline = Date.now() + 120_000;
    while (Journal.read(join(out, 'results.journal')).length < 3) {
      if (Date.now() > deadline || c.child.exitCode !== null) throw new Error(`no rows yet:\n${c.out.text}`);
      await sleep(25);
    }
    await server.stop();
    rmSync(server.storeDir, { recursive: true, force: true });
    mkdirSync(server.storeDir);
    await server.start();
    // Without recovery the coordinator waits for ever: bound the wait, and say what it printed.
    const done = await Promise.race([c.exit, sleep(90_000).then(() => null)]);
    t.truthy(done, `the coordinator is still waiting:\n${c.out.text}\n--- worker:\n${w.out.text}`);
    t.is(done?.code, 0, c.out.text);
    t.regex(c.out.text, /lost .*stream|stream.* (is )?gone|recreat/i, 'the coordinator says what happened');
    const ids = readTable(out, 'runs')
      .toArray()
      .map((r) => r.task_id as string);
    t.is(ids.length, SEEDS);
    t.is(new Set(ids).size, SEEDS, 'each task once');
  } finally {
    killAll(...procs);
    await server.destroy();
  }
});
