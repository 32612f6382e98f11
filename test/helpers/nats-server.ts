import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startCli } from './cli.js';

/** A free TCP port on loopback (the OS picks one; it is released before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const live = new Set<ChildProcess>();
// A test process that dies must not leave servers or workers behind.
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

function track(c: ChildProcess): ChildProcess {
  live.add(c);
  c.once('exit', () => live.delete(c));
  return c;
}

export interface NatsServerOptions {
  readonly user?: string;
  readonly pass?: string;
  /** A configuration file (its listen address, ports and store are set on the command line). */
  readonly conf?: string;
  /** Environment of the server: the $VARS of `conf`. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface Credentials {
  readonly user: string;
  readonly pass: string;
}

/** The users of deploy/k8s/base/nats.conf, as its Secrets would hold them. */
export const ROLES: { readonly coordinator: Credentials; readonly worker: Credentials } = {
  coordinator: { user: 'coordinator', pass: 'pc0ordinat0r' },
  worker: { user: 'worker', pass: 'pw0rker' },
};

/** The environment a saddlescope pod of a role gets from its Secret (the CLI reads it). */
export const roleEnv = (c: Credentials) => ({ NATS_USER: c.user, NATS_PASSWORD: c.pass });

export const DEPLOYED_CONF = fileURLToPath(new URL('../../../deploy/k8s/base/nats.conf', import.meta.url));

/**
 * A real `nats-server -js` on a free loopback port with its own store dir, for one test file
 * (`.ci/run` installs nats-server when it is missing). stop() and start() keep the port and the
 * store, as a restarted server in a cluster does.
 */
export class NatsServer {
  private child: ChildProcess | null = null;
  log = '';

  private constructor(
    readonly port: number,
    readonly monitorPort: number,
    readonly storeDir: string,
    private readonly o: NatsServerOptions,
  ) {}

  /**
   * The server as deployed: deploy/k8s/base/nats.conf (users and subject permissions), with the
   * credentials of ROLES in its environment.
   */
  static startDeployed(): Promise<NatsServer> {
    return NatsServer.start({
      conf: DEPLOYED_CONF,
      env: {
        SERVER_NAME: 'test',
        NATS_COORDINATOR_USER: ROLES.coordinator.user,
        NATS_COORDINATOR_PASSWORD: ROLES.coordinator.pass,
        NATS_WORKER_USER: ROLES.worker.user,
        NATS_WORKER_PASSWORD: ROLES.worker.pass,
      },
    });
  }

  static async start(o: NatsServerOptions = {}): Promise<NatsServer> {
    // A port found free can be taken before the server binds it (by another test file's server,
    // or as the ephemeral port of a client's connection): then try other ports.
    for (let attempt = 1; ; attempt++) {
      const s = new NatsServer(
        await freePort(),
        await freePort(),
        mkdtempSync(join(tmpdir(), 'nats-store-')),
        o,
      );
      try {
        await s.start();
        return s;
      } catch (e) {
        await s.destroy();
        if (attempt >= 5 || !/address already in use/.test((e as Error).message)) throw e;
      }
    }
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The running server's process id (for the benchmarks' CPU accounting). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts (or restarts) the server and waits until JetStream answers its health check. */
  async start(): Promise<void> {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-m', String(this.monitorPort)];
    if (this.o.conf) {
      // The file as deployed, its store and pid file moved here (as deploy/sim/cluster.sh does):
      // the server refuses a store dir given both in the file and on the command line.
      const conf = join(this.storeDir, 'nats.conf');
      const text = readFileSync(this.o.conf, 'utf8')
        .replace(/^(\s*)store_dir:.*$/m, `$1store_dir: "${join(this.storeDir, 'js')}"`)
        .replace(/^pid_file:.*$/m, `pid_file: "${join(this.storeDir, 'nats.pid')}"`);
      writeFileSync(conf, text);
      args.push('-c', conf);
    } else args.push('-sd', this.storeDir);
    if (this.o.user) args.push('--user', this.o.user, '--pass', this.o.pass ?? '');
    const child = track(
      spawn('nats-server', args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, ...this.o.env },
      }),
    );
    child.stdout?.on('data', (d) => (this.log += d));
    child.stderr?.on('data', (d) => (this.log += d));
    this.child = child;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`nats-server exited (${code}):\n${this.log}`))),
    );
    exited.catch(() => undefined);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${this.monitorPort}/healthz?js-enabled-only=true`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return;
      await Promise.race([sleep(50), exited]);
    }
    throw new Error(`nats-server did not become healthy:\n${this.log}`);
  }

  /** Stops the server (SIGTERM, SIGKILL after 5 s); the store stays. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
    this.child = null;
  }

  /** Stops the server and removes its store. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** Lines of a child's stdout and stderr, as they come. */
export class Output {
  text = '';
  private waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];

  constructor(child: ChildProcess) {
    const add = (d: Buffer) => {
      this.text += d;
      this.waiters = this.waiters.filter((w) => {
        const m = this.text.match(w.re);
        if (m) w.resolve(m);
        return !m;
      });
    };
    child.stdout?.on('data', add);
    child.stderr?.on('data', add);
  }

  /** Resolves with the first match of `re` in the output so far or to come. */
  waitFor(re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const m = this.text.match(re);
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`timed out waiting for ${re} in:\n${this.text}`)),
        timeoutMs,
      );
      this.waiters.push({
        re,
        resolve: (x) => {
          clearTimeout(t);
          resolve(x);
        },
      });
    });
  }
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly out: Output;
  /** Exit code and signal, once it exits. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startTracked(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = track(startCli(args, env));
  const out = new Output(child);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('close', (code, signal) => r({ code, signal })),
  );
  return { child, out, exit };
}

export interface WorkerProcess extends CliProcess {
  readonly healthPort: number;
}

/** `saddlescope worker` on a server, its probes on a free loopback port; resolves once it is ready. */
export async function startWorker(
  url: string,
  threads = 1,
  env: NodeJS.ProcessEnv = {},
): Promise<WorkerProcess> {
  const p = startTracked(['worker', '--nats', url, '--threads', String(threads), '--health-port', '0'], {
    HEALTH_HOST: '127.0.0.1',
    ...env,
  });
  const [, port] = await Promise.race([
    // Generous: on two cores shared with other work a worker can take tens of seconds to load.
    p.out.waitFor(/health on :(\d+)/, 120_000),
    p.exit.then((e) => {
      throw new Error(`worker exited (${e.code ?? e.signal}) before it was ready:\n${p.out.text}`);
    }),
  ]);
  await p.out.waitFor(/pulling from/, 120_000);
  return { ...p, healthPort: Number(port) };
}

/** SIGKILLs whatever is still running (test teardown). */
export function killAll(...ps: Array<CliProcess | undefined>): void {
  for (const p of ps)
    if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

/**
 * One real nats-server for the tests of a file, started before them and destroyed after, with the
 * worker processes they start (pushed onto `workers`) killed at the end.
 */
export function serverPerFile(test: {
  before: (fn: () => Promise<void>) => void;
  after: { always: (fn: () => Promise<void>) => void };
}): { readonly server: NatsServer; readonly workers: WorkerProcess[] } {
  let server: NatsServer | undefined;
  const workers: WorkerProcess[] = [];
  test.before(async () => {
    server = await NatsServer.start();
  });
  test.after.always(async () => {
    killAll(...workers);
    await server?.destroy();
  });
  return {
    get server() {
      if (!server) throw new Error('serverPerFile: the server starts in test.before');
      return server;
    },
    workers,
  };
}

/** Runs `fn` with a client connection to `server` (as the workers connect: no async traces), closed after. */
export async function withConnection<T>(
  server: NatsServer,
  fn: (nc: NatsConnection) => Promise<T>,
): Promise<T> {
  const nc = await connect({ servers: server.url, noAsyncTraces: true });
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}
