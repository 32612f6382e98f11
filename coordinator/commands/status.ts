import { jetstreamManager } from '@nats-io/jetstream';
import type { Command } from 'commander';
import {
  addNatsOptions,
  connectNats,
  type NatsFlags,
  resolveConnection,
} from '../../worker/nats/connection.js';
import { STUDIES_BUCKET, TASKS_STREAM, WORKERS_CONSUMER } from '../../worker/nats/names.js';
import { openStudies } from '../../worker/nats/setup.js';
import { type LogFormat, makeLogger } from '../logger.js';
import { StudyRegistry, type StudyStatus } from '../nats/studies.js';
import { logFormatOption } from './common.js';

interface StatusFlags extends NatsFlags {
  json?: boolean;
  logFormat: LogFormat;
}

/** The work queue as the workers' consumer sees it (all studies together). */
interface Queue {
  readonly waiting: number;
  readonly inFlight: number;
  readonly redelivered: number;
}

function formatStatus(studies: readonly StudyStatus[], queue: Queue | null): string {
  const lines = [
    queue
      ? `queue ${TASKS_STREAM}/${WORKERS_CONSUMER}: ${queue.waiting} waiting, ${queue.inFlight} in flight, ${queue.redelivered} redelivered`
      : `queue ${TASKS_STREAM}/${WORKERS_CONSUMER}: not created yet`,
  ];
  if (studies.length === 0) return [...lines, 'no studies'].join('\n');
  const rows = studies.map((s) => [
    s.key,
    s.state,
    `${s.done}/${s.total}`,
    `${s.total ? Math.floor((100 * s.done) / s.total) : 100}%`,
    String(s.errors),
    String(s.workers),
    s.updated.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    s.out,
  ]);
  const head = ['study', 'state', 'done', '', 'errors', 'workers', 'updated', 'out dir'];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const fmt = (r: string[]) =>
    r
      .map((c, j) => (j === 2 || j === 3 || j === 4 || j === 5 ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [...lines, fmt(head), ...rows.map(fmt)].join('\n');
}

export function registerStatus(program: Command): void {
  const cmd = program
    .command('status')
    .description('list the studies known to a NATS server (from its studies bucket) with their progress')
    .option('--json', 'machine-readable output')
    .addOption(logFormatOption());
  addNatsOptions(cmd, true).action(async (o: StatusFlags) => {
    const log = makeLogger(o.logFormat, process.env.SADDLESCOPE_LOG_LEVEL ?? 'warn');
    const nc = await connectNats(resolveConnection(o, 'saddlescope-status'), { log, waitMs: 5000 });
    try {
      const studies = await openStudies(nc, false)
        .then((kv) => new StudyRegistry(kv).list())
        .catch((e: Error) => {
          if (/stream not found|bucket not found/i.test(e.message)) return [];
          throw new Error(`reading bucket ${STUDIES_BUCKET}: ${e.message}`);
        });
      const jsm = await jetstreamManager(nc);
      const info = await jsm.consumers.info(TASKS_STREAM, WORKERS_CONSUMER).catch(() => null);
      const queue = info
        ? { waiting: info.num_pending, inFlight: info.num_ack_pending, redelivered: info.num_redelivered }
        : null;
      console.log(o.json ? JSON.stringify({ queue, studies }, null, 2) : formatStatus(studies, queue));
    } finally {
      await nc.close();
    }
  });
}
