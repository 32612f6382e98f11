/**
 * deploy/sim/cluster.sh: NATS (from the Kubernetes nats.conf, its two users), three worker
 * nodes (network namespaces where this runs as root, else loopback processes) and a coordinator
 * run a 400-task study while one worker is sent SIGTERM mid-run (a scale-down): every task lands
 * exactly once, the rows equal a local run's, KEDA's view of the queue (the stream and consumer
 * the ScaledObject names) shows the backlog, and every worker drains and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { planStudy } from '../../coordinator/run-study.js';
import { REPO, runCli, tempDir } from '../helpers/cli.js';
import { readTable, reproducibleRows } from '../helpers/rows.js';

const SPEC = `
name: sim-cluster
seed: 7
problem: { kind: circle, target: [2, 1] }
optimizers:
  - { kind: newton, alpha: 1, lambda: 0 }
  - { kind: bfgs }
seeds: 200
stop: { gradTol: 1.0e-12, maxIter: 100 }
record: { historyStride: 5 }
`;

interface Report {
  mode: 'netns' | 'loopback';
  coordinator_exit: number | null;
  workers: {
    name: string;
    address: string;
    exit: string;
    drain_seconds: number;
    drained_during_run: boolean;
  }[];
  keda: {
    consumer_seen: boolean;
    max_lag: number;
    last: { found: boolean; retention?: string; durable?: string; ack_policy?: string } | null;
  };
  connections: { ip: string; name: string; in_msgs: number; out_msgs: number }[] | null;
  permissions: {
    violations_during_run: number | null;
    worker_task_publish: { refused: boolean; error: string | null } | null;
  };
}

function rows(dir: string) {
  return readTable(dir, 'runs')
    .toArray()
    .map((r) => r.toJSON() as Record<string, unknown>);
}

// No skip when nats-server is missing: .ci/run installs it, and a missing server must fail loudly.
test('a study runs across NATS and three worker nodes, every task exactly once', async (t) => {
  t.timeout(300_000); // generous: two cores shared with other work can make it slow
  const dir = tempDir('saddlescope-sim-test-');
  const spec = join(dir, 'sim-cluster.yaml');
  writeFileSync(spec, SPEC);
  const out = join(dir, 'out');
  const reportFile = join(dir, 'report.json');
  const sim = spawnSync(
    'bash',
    [
      join(REPO, 'deploy', 'sim', 'cluster.sh'),
      ...['--workers', '3', '--threads', '1', '--drain', '15', '--drain-one-after', '1'],
      ...['--out', out, '--report', reportFile, spec],
    ],
    { cwd: REPO, encoding: 'utf8', timeout: 290_000 },
  );
  t.log(
    sim.stderr
      .split('\n')
      .filter((l) => l.startsWith('[sim'))
      .join('\n'),
  );
  t.is(sim.status, 0, `${sim.stdout}\n${sim.stderr}`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  t.is(report.coordinator_exit, 0);

  // Every planned task has exactly one row.
  const plan = planStudy(spec);
  const got = rows(out).map((r) => String(r.task_id));
  t.is(got.length, plan.tasks.length);
  t.is(new Set(got).size, got.length, 'no task twice');
  t.deepEqual([...got].sort(), plan.tasks.map((x) => x.id).sort());
  const byWorker = new Map<string, number>();
  for (const r of rows(out)) byWorker.set(String(r.worker), (byWorker.get(String(r.worker)) ?? 0) + 1);
  t.log(`mode ${report.mode}; rows per worker: ${JSON.stringify(Object.fromEntries(byWorker))}`);

  // …and the same rows, bit for bit, as a run on this machine without NATS.
  const local = join(dir, 'local');
  const r = await runCli(['run', spec, '--out', local, '--threads', '1']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(reproducibleRows(out), reproducibleRows(local));

  // Under nats.conf's two users: nothing any process did was refused, and a task published with a
  // worker's credentials (from a worker node) was.
  t.is(report.permissions.violations_during_run, 0);
  t.deepEqual(report.permissions.worker_task_publish, {
    refused: true,
    error:
      'Permissions Violation for Publish to "saddlescope.tasks.sim-probe-000000000000.0123456789abcdef0123"',
  });

  // KEDA's nats-jetstream scaler would find the stream and consumer the ScaledObject names.
  t.true(report.keda.consumer_seen, 'SADDLESCOPE_TASKS / saddlescope-workers seen on /jsz');
  t.is(report.keda.last?.retention, 'workqueue');
  t.is(report.keda.last?.ack_policy, 'explicit');
  t.true(report.keda.max_lag > 0, 'the backlog KEDA scales on was visible');
  t.log(`KEDA lag seen: max ${report.keda.max_lag}`);

  // Each worker drained on SIGTERM and exited 0 within its budget; worker-1 while the study ran.
  t.is(report.workers.length, 3);
  t.true(report.workers.find((w) => w.name === 'worker-1')?.drained_during_run, 'worker-1 drained mid-run');
  for (const w of report.workers) {
    t.is(w.exit, '0', `${w.name} exit after SIGTERM`);
    t.true(w.drain_seconds <= 15 + 10);
  }
  // In network namespaces, every node has its own address and hostname: the workers that stayed
  // reached NATS from theirs, and the rows name more than one node.
  if (report.mode === 'netns') {
    const ips = new Set((report.connections ?? []).map((c) => c.ip));
    for (const w of report.workers.filter((x) => !x.drained_during_run))
      t.true(ips.has(w.address), `${w.name} (${w.address}) connected`);
    const hosts = new Set([...byWorker.keys()].map((w) => w.split(/[#:]/)[0]));
    t.true(
      [...hosts].every((h) => h?.startsWith('sim-worker-')),
      [...hosts].join(', '),
    );
    t.true(hosts.size >= 2, `tasks ran on ${hosts.size} node(s)`);
  }
});
