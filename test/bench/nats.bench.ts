import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { type PlannedStudy, planStudy, runStudy } from '../../coordinator/run-study.js';
import { LocalTransport } from '../../coordinator/transport/local.js';
import { NatsTransport } from '../../coordinator/transport/nats.js';
import type { Transport } from '../../coordinator/transport/types.js';
import { runTask } from '../../shared/run-task.js';
import { resolveConnection } from '../../worker/nats/connection.js';
import { tempDir } from '../helpers/cli.js';
import { killAll, NatsServer, startWorker, type WorkerProcess } from '../helpers/nats-server.js';
import { type BenchReport, type BenchRow, median } from './harness.js';
import { cpuMsOf } from './process-cpu.js';

/**
 * The cluster path on loopback (issue #7 targets): tasks per second and per-task overhead of
 * near-no-op tasks through JetStream (≥ 2,000 tasks/s, < 1 ms overhead), and the speedup of a
 * real study with 2 worker threads over 1 (≥ 1.8×). Everything is real: a `nats-server -js`
 * spawned by the test helper, `saddlescope worker` child processes, the coordinator's
 * NatsTransport in this process. The local Piscina transport on the same tasks is the baseline.
 */

const REPS = 5;
const NOOP_TASKS = 4000;
/**
 * Untimed no-op studies a fresh worker runs before the timed ones: its CPU a task kept falling
 * over its first three studies of 4,000 tasks (each pool thread compiles on its own, and sees a
 * half or a quarter of them). With an in-process coordinator and one 4-thread worker, studies 2
 * to 5 took 945, 872, 727 and 736 µs of CPU a task (coordinator, server and worker together).
 */
const WARM_STUDIES = 3;
/**
 * Tasks of the real study. Its runs take 55–720 ms each (a local run, 2 threads), so the last one
 * to finish can leave a thread idle for a large part of a second: at 64 tasks that end effect was
 * up to 8% of the 2-thread time, measuring the study's length rather than the threads' speedup.
 */
const REAL_SEEDS = 128;
const silent = pino({ level: 'silent' });

/** A circle Newton run stopped after one iteration, nothing recorded: tens of µs of compute. */
function noopSpec(name: string, seed: number): string {
  return [
    `name: ${name}`,
    `seed: ${seed}`,
    'problem: { kind: circle, target: [2, 1] }',
    'optimizers: [{ kind: newton, alpha: 1, lambda: 0 }]',
    `seeds: ${NOOP_TASKS}`,
    'stop: { maxIter: 1 }',
    'record: { historyStride: 0, finalParams: false, spectrum: false }',
  ].join('\n');
}

/** A real study: tanh width-10 regression (140 parameters), damped Newton. */
function realSpec(name: string, seed: number, seeds = REAL_SEEDS): string {
  return [
    `name: ${name}`,
    `seed: ${seed}`,
    'problem: { kind: mlp-regression, width: 10, depth: 2, activation: tanh, target: { kind: sin, k: 2 }, points: 100 }',
    'optimizers: [{ kind: newton, alpha: 0.5, lambda: 1.0e-3 }]',
    `seeds: ${seeds}`,
    'stop: { gradTol: 1.0e-6, maxIter: 150 }',
    'record: { historyStride: 0, finalParams: true, spectrum: true }',
  ].join('\n');
}

function plan(dir: string, text: string): PlannedStudy {
  const path = join(dir, 'study.yaml');
  writeFileSync(path, text);
  return planStudy(path);
}

/** Wall seconds of one study run through a transport into a fresh out dir. */
async function timeRun(p: PlannedStudy, dir: string, transport: () => Transport): Promise<number> {
  const t0 = performance.now();
  const r = await runStudy(p, { out: join(dir, 'out'), log: silent, transport });
  const s = (performance.now() - t0) / 1000;
  if (!r.complete) throw new Error(`${p.spec.name}: incomplete (${r.sink.size}/${r.total})`);
  return s;
}

async function timeNats(server: NatsServer, p: PlannedStudy, dir: string): Promise<number> {
  const outDir = join(dir, 'out');
  const nats = await NatsTransport.connect({
    connection: resolveConnection({ nats: server.url }, 'bench-coordinator'),
    log: silent,
    plan: p,
    outDir,
  });
  try {
    return await timeRun(p, dir, () => nats);
  } finally {
    await nats.close();
  }
}

/**
 * Median seconds of REPS runs of fresh studies (new seed each: new task ids, nothing deduped), and
 * the median CPU milliseconds this process and the processes `pids` used in a run (null without
 * /proc).
 */
async function medianRuns(
  make: (name: string, seed: number) => string,
  tag: string,
  run: (p: PlannedStudy, dir: string) => Promise<number>,
  pids: readonly (number | undefined)[] = [],
): Promise<{ s: number; cpuMs: number | null }> {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const dir = tempDir(`bench-${tag}-`);
    const p = plan(dir, make(`bench-${tag}-${rep}`, 7000 + rep));
    const c0 = cpuMsOf(pids);
    times.push(await run(p, dir));
    const c1 = cpuMsOf(pids);
    if (c0 !== null && c1 !== null) cpu.push(c1 - c0);
  }
  return { s: median(times), cpuMs: cpu.length === REPS ? median(cpu) : null };
}

/**
 * CPU a task costs every process of the run together (this one, the coordinator's; and nats-server
 * and the workers), in µs: the 2 cores give at most 2,000,000 / this tasks a second, however the
 * slots overlap. It moves less with the machine's load than the wall time does.
 */
function cpuColumn(cpuMs: number | null): Record<string, number> {
  return cpuMs === null ? {} : { 'cpu µs/task': (cpuMs * 1000) / NOOP_TASKS };
}

/** Median compute milliseconds of one task of the plan, run in this thread. */
function computeMsPerTask(p: PlannedStudy): number {
  const times: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const t0 = performance.now();
    for (const t of p.tasks) runTask(t, { worker: 'bench' });
    times.push((performance.now() - t0) / p.tasks.length);
  }
  return median(times);
}

async function withWorkers<T>(
  server: NatsServer,
  layout: readonly number[],
  fn: (workers: readonly WorkerProcess[]) => Promise<T>,
): Promise<T> {
  const workers: WorkerProcess[] = [];
  try {
    for (const threads of layout) workers.push(await startWorker(server.url, threads));
    return await fn(workers);
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exit));
    killAll(...workers);
  }
}

async function noopReport(server: NatsServer): Promise<BenchReport> {
  const computeMs = computeMsPerTask(plan(tempDir('bench-noop-'), noopSpec('bench-noop-compute', 1)));
  const rows: BenchRow[] = [];
  const { s: local, cpuMs: localCpu } = await medianRuns(noopSpec, 'noop-local', (p, d) =>
    timeRun(p, d, () => new LocalTransport(2)),
  );
  rows.push({
    case: 'local Piscina, 2 threads (baseline)',
    slots: 2,
    'tasks/s': NOOP_TASKS / local,
    ...cpuColumn(localCpu),
  });
  for (const layout of [[2], [1, 1], [4]]) {
    const slots = layout.reduce((a, b) => a + b, 0);
    const tag = `noop-${layout.join('-')}`;
    const { cold, s, cpuMs } = await withWorkers(server, layout, async (workers) => {
      // Untimed warm-up (its first study reported as 'cold'): fresh worker processes compile
      // their code as they go, and a study that outgrows one machine runs long past that.
      const warm: number[] = [];
      for (let i = 0; i < WARM_STUDIES; i++) {
        const dir = tempDir(`bench-${tag}-warm-`);
        warm.push(await timeNats(server, plan(dir, noopSpec(`bench-${tag}-warm-${i}`, 6000 + i)), dir));
      }
      const pids = [server.pid, ...workers.map((w) => w.child.pid)];
      const timed = await medianRuns(noopSpec, tag, (p, d) => timeNats(server, p, d), pids);
      return { cold: warm[0], ...timed };
    });
    rows.push({
      case: `JetStream, ${layout.length} worker${layout.length > 1 ? 's' : ''} × ${layout[0]} thread${layout[0] > 1 ? 's' : ''}`,
      slots,
      'tasks/s': NOOP_TASKS / s,
      'cold tasks/s': NOOP_TASKS / cold,
      'vs local': local / s,
      // What a slot spends on a task beyond computing it: its pull request crossing the server,
      // the delivery, the hops to the pool thread and back, handing the result to the connection
      // (a slot is free before the PubAck; the ack goes later). With more slots than the 2 cores,
      // slots share them, so this grows while 'wall ms/task' (the cost a task adds) falls.
      'overhead ms/task/slot': (s * 1000 * slots) / NOOP_TASKS - computeMs,
      'wall ms/task': (s * 1000) / NOOP_TASKS,
      ...cpuColumn(cpuMs),
    });
  }
  return {
    title: `JetStream throughput, ${NOOP_TASKS} near-no-op tasks (circle Newton, 1 iteration), loopback, median of ${REPS} runs`,
    rows,
    notes: [
      `compute per task, in one thread: ${(computeMs * 1000).toFixed(1)} µs (subtracted to get the overhead)`,
      'targets: ≥ 2,000 tasks/s; < 1 ms overhead per task. Coordinator, nats-server and workers share the 2 cores.',
      'cpu µs/task: CPU of every process of the run together (this one, with the coordinator or the local pool; nats-server; the workers); the 2 cores allow at most 2,000,000 / it tasks/s',
    ],
  };
}

/**
 * 1 thread against 2, alternating rep by rep (each rep a fresh study of the same seeds for both),
 * so that a load spike on this shared machine falls on both sides alike. The same studies on the
 * local transport, in the same reps, give the machine's own speedup for them: what the cluster
 * path's is measured against.
 */
async function speedupReport(server: NatsServer): Promise<BenchReport> {
  const nats: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const local: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let rep = 0; rep < REPS; rep++)
    for (const threads of [1, 2] as const) {
      nats[threads].push(
        await withWorkers(server, [threads], async () => {
          // Untimed warm-up: the pool threads compile the network code before the timed study.
          const warm = tempDir(`bench-warm-${threads}-`);
          await timeNats(
            server,
            plan(warm, realSpec(`bench-warm-${threads}-${rep}`, 9000 + rep, 2 * threads)),
            warm,
          );
          const dir = tempDir(`bench-real-${threads}-`);
          return timeNats(server, plan(dir, realSpec(`bench-real-${threads}-${rep}`, 7100 + rep)), dir);
        }),
      );
      const dir = tempDir(`bench-real-local-${threads}-`);
      const p = plan(dir, realSpec(`bench-real-local-${threads}-${rep}`, 7100 + rep));
      local[threads].push(await timeRun(p, dir, () => new LocalTransport(threads)));
    }
  const pairs = (t: Record<1 | 2, number[]>) => t[1].map((x, i) => (x / t[2][i]).toFixed(2)).join(', ');
  return {
    title: `A real study through JetStream: tanh w10 regression, Newton, ${REAL_SEEDS} seeds × 150 iterations, median of ${REPS} runs`,
    rows: [
      { case: '1 worker × 1 thread (baseline)', 'wall s': median(nats[1]) },
      { case: '1 worker × 2 threads', 'wall s': median(nats[2]), speedup: median(nats[1]) / median(nats[2]) },
      { case: 'local Piscina, 1 thread (reference)', 'wall s': median(local[1]) },
      {
        case: 'local Piscina, 2 threads (reference)',
        'wall s': median(local[2]),
        speedup: median(local[1]) / median(local[2]),
      },
    ],
    notes: [
      'target: speedup ≥ 1.8× on this 2-core machine (1 and 2 threads alternate, same seeds)',
      `speedup of each pair of reps: ${pairs(nats)} (JetStream); ${pairs(local)} (local)`,
    ],
  };
}

export async function bench(): Promise<BenchReport[]> {
  const server = await NatsServer.start();
  try {
    return [await noopReport(server), await speedupReport(server)];
  } finally {
    await server.destroy();
  }
}
