import { Writable } from 'node:stream';
import test from 'ava';
import pino from 'pino';
import { planStudy, runStudy } from '../../coordinator/run-study.js';
import { NatsTransport } from '../../coordinator/transport/nats.js';
import { runTask } from '../../shared/run-task.js';
import { encodeResultMessage } from '../../shared/study/wire.js';
import { resolveConnection } from '../../worker/nats/connection.js';
import { resultMsgId, studyKey, taskMsgId } from '../../worker/nats/names.js';
import { RESULTS_HEADER, type ResultItem, resultMessage } from '../../worker/nats/result-batch.js';
import { ensureInfrastructure } from '../../worker/nats/setup.js';
import { StreamPublisher } from '../../worker/nats/stream-publisher.js';
import { runCli, tempDir, writeSpec } from '../helpers/cli.js';
import { serverPerFile, withConnection } from '../helpers/nats-server.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

/**
 * A coordinator reading results that a worker sent several to a message (worker/result-batcher.ts):
 * read back from the stream when it starts and taken live, each a row once, whatever repeats.
 */

const nats = serverPerFile(test);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('results several to a message are each one row; a repeat is dropped; an unreadable message’s tasks are run again', async (t) => {
  const dir = tempDir();
  const spec = writeSpec(dir, [
    'name: batches',
    'seed: 5',
    'problem: { kind: circle, target: [2, 1] }',
    'optimizers: [{ kind: newton }, { kind: bfgs }]',
    'seeds: 4',
    'stop: { maxIter: 50 }',
  ]);
  const plan = planStudy(spec);
  const key = studyKey(plan.spec.name, plan.planHash);
  const items: ResultItem[] = plan.tasks.map((task) => ({
    taskId: task.id,
    data: encodeResultMessage(runTask(task, { worker: 'test#1' }), 'test:1'),
    msgID: resultMsgId(taskMsgId(key, 1, task.id)),
  }));
  t.is(items.length, 8);
  const lines: string[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );

  await withConnection(nats.server, async (nc) => {
    await ensureInfrastructure(nc, log);
    const publisher = new StreamPublisher(nc);
    const send = async (batch: readonly ResultItem[], lie = false) => {
      const m = resultMessage(key, batch);
      const header = m.header === null ? null : lie ? m.header.replace(/:(\d+)$/, ':1') : m.header;
      await publisher.publish(
        m.subject,
        m.data,
        m.msgID,
        5000,
        header ? [RESULTS_HEADER, header] : undefined,
      );
    };
    // stored before the coordinator starts: read back
    await send(items.slice(0, 3));
    const outDir = `${dir}/out`;
    const transport = await NatsTransport.connect({
      connection: resolveConnection({ nats: nats.server.url }, 'test'),
      log,
      plan,
      outDir,
    });
    const run = runStudy(plan, { out: outDir, log, transport: () => transport });
    // once it has read back what was stored and consumes live
    const deadline = Date.now() + 20_000;
    while (!/read back, .*publishing/.test(lines.join('')) && Date.now() < deadline) await sleep(20);
    await sleep(100);
    // taken live: a batch repeating a result already read; one whose header lies (its worker
    // acked its tasks, so the coordinator, which knows them valid, publishes them again:
    // coordinator/transport/task-retries.ts); their good results after it are their rows
    await send([items[2], items[3], items[4]]);
    await send([items[5], items[6]], true);
    await send([items[5]]);
    await send([items[6], items[7]]);
    const outcome = await run;
    await transport.close();
    publisher.close();
    t.true(outcome.complete);
    t.is(outcome.total, 8);

    const rows = readTable(outDir).toArray();
    t.is(rows.length, 8);
    t.is(new Set(rows.map((r) => r.task_id)).size, 8, 'each task once');
    const logged = lines.join('');
    for (const id of [items[5].taskId, items[6].taskId])
      t.regex(
        logged,
        new RegExp(
          `task ${id}: Saddlescope-Results lists \\d+ bytes, the message holds \\d+; not its row: published again \\(1 of \\d+\\)`,
        ),
      );
    t.regex(logged, /: 3 stored result\(s\) read back, /, 'the three of the message stored before');
    t.regex(
      logged,
      /unreadable result message on saddlescope\.results\.batches-[0-9a-f]{12}\.[0-9a-f]{20}: Saddlescope-Results lists \d+ bytes, the message holds \d+/,
    );

    const local = `${dir}/local`;
    const r = await runCli(['run', spec, '--out', local, '--threads', '1']);
    t.is(r.code, 0, r.stderr);
    t.deepEqual(reproducibleRows(outDir), reproducibleRows(local), 'the rows a local run gives');
  });
});
