import { readFileSync } from 'node:fs';
import {
  type Authenticator,
  type ConnectionOptions,
  connect,
  credsAuthenticator,
  errors,
  type NatsConnection,
  nkeyAuthenticator,
} from '@nats-io/transport-node';
import { type Command, Option } from 'commander';
import type { Logger } from 'pino';
import { InputError } from '../../shared/study/errors.js';

/** The connection flags every cluster command takes; each also reads its environment variable. */
export interface NatsFlags {
  nats?: string;
  natsUser?: string;
  natsPass?: string;
  natsToken?: string;
  natsCreds?: string;
  natsNkey?: string;
  natsTlsCa?: string;
  natsTlsCert?: string;
  natsTlsKey?: string;
}

/**
 * Adds --nats and the credential and TLS flags. `urlFromEnv`: whether NATS_URL alone supplies the
 * URL (worker, status). `run` takes the cluster only from an explicit --nats, so a NATS_URL left
 * in a shell never sends a laptop run to a cluster.
 */
export function addNatsOptions(cmd: Command, urlFromEnv: boolean): Command {
  const url = new Option('--nats <url>', 'NATS server URL(s), comma-separated (nats://host:4222, tls://…)');
  return cmd
    .addOption(urlFromEnv ? url.env('NATS_URL') : url)
    .addOption(new Option('--nats-user <user>', 'NATS user (with --nats-pass)').env('NATS_USER'))
    .addOption(
      new Option('--nats-pass <password>', 'NATS password (prefer the env variable)').env('NATS_PASSWORD'),
    )
    .addOption(new Option('--nats-token <token>', 'NATS token (prefer the env variable)').env('NATS_TOKEN'))
    .addOption(
      new Option('--nats-creds <file>', 'NATS credentials file (JWT and nkey seed)').env('NATS_CREDS'),
    )
    .addOption(new Option('--nats-nkey <file>', 'file holding an nkey seed').env('NATS_NKEY'))
    .addOption(
      new Option('--nats-tls-ca <file>', 'CA certificate to verify the server (PEM)').env('NATS_TLS_CA'),
    )
    .addOption(
      new Option('--nats-tls-cert <file>', 'client certificate (PEM), with --nats-tls-key').env(
        'NATS_TLS_CERT',
      ),
    )
    .addOption(new Option('--nats-tls-key <file>', 'client key (PEM)').env('NATS_TLS_KEY'));
}

function readSecretFile(path: string, flag: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new InputError(
      `${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

function checkReadable(path: string | undefined, flag: string): string | undefined {
  if (path !== undefined) readSecretFile(path, flag);
  return path;
}

/** A server list with any user:password@ removed, for logs and messages. */
export function redactServers(servers: string): string {
  return servers
    .split(',')
    .map((s) => s.trim().replace(/\/\/[^@/]*@/, '//***@'))
    .join(',');
}

export interface ResolvedConnection {
  readonly options: ConnectionOptions;
  /** Where and how, without secrets: "nats://h:4222 (user 'u' with password, TLS)". */
  readonly describe: string;
}

/** Connection options from flags and environment; bad or conflicting ones are input errors (exit 2). */
export function resolveConnection(f: NatsFlags, name: string): ResolvedConnection {
  if (!f.nats) throw new InputError('--nats <url> is required (or set NATS_URL)');
  const servers = f.nats
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of servers)
    if (!/^((nats|tls|wss?):\/\/)?[^\s/]+(:\d+)?\/?$/.test(s))
      throw new InputError(`--nats: not a NATS URL: ${redactServers(s)}`);
  const methods = [
    f.natsUser !== undefined || f.natsPass !== undefined ? 'user/password' : null,
    f.natsToken !== undefined ? 'token' : null,
    f.natsCreds !== undefined ? 'creds file' : null,
    f.natsNkey !== undefined ? 'nkey' : null,
  ].filter((m): m is string => m !== null);
  if (methods.length > 1)
    throw new InputError(
      `NATS credentials: give one of user/password, token, creds file or nkey (got ${methods.join(', ')})`,
    );
  if ((f.natsUser === undefined) !== (f.natsPass === undefined))
    throw new InputError(
      'NATS credentials: --nats-user and --nats-pass (NATS_USER, NATS_PASSWORD) go together',
    );
  if ((f.natsTlsCert === undefined) !== (f.natsTlsKey === undefined))
    throw new InputError(
      'NATS TLS: --nats-tls-cert and --nats-tls-key (NATS_TLS_CERT, NATS_TLS_KEY) go together',
    );

  // noAsyncTraces: nats.js otherwise builds an Error (a stack capture) for every request up front,
  // to give a timeout a useful stack: a cost per task in both the worker and the coordinator that
  // shows on the throughput benchmark (test/bench/nats.bench.ts), and our timeouts name their subject anyway.
  const options: ConnectionOptions = { servers, name, noAsyncTraces: true };
  let auth = '';
  if (f.natsUser !== undefined) {
    options.user = f.natsUser;
    options.pass = f.natsPass;
    auth = `user '${f.natsUser}' with password`;
  } else if (f.natsToken !== undefined) {
    options.token = f.natsToken;
    auth = 'token';
  } else if (f.natsCreds !== undefined) {
    options.authenticator = credsAuthenticator(readSecretFile(f.natsCreds, '--nats-creds')) as Authenticator;
    auth = `creds file ${f.natsCreds}`;
  } else if (f.natsNkey !== undefined) {
    const seed = new TextDecoder().decode(readSecretFile(f.natsNkey, '--nats-nkey')).trim();
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed)) as Authenticator;
    auth = `nkey from ${f.natsNkey}`;
  }
  const tls =
    f.natsTlsCa !== undefined || f.natsTlsCert !== undefined || servers.some((s) => s.startsWith('tls://'));
  if (tls)
    options.tls = {
      caFile: checkReadable(f.natsTlsCa, '--nats-tls-ca'),
      certFile: checkReadable(f.natsTlsCert, '--nats-tls-cert'),
      keyFile: checkReadable(f.natsTlsKey, '--nats-tls-key'),
    };
  const how = [auth, tls ? 'TLS' : ''].filter(Boolean).join(', ');
  return { options, describe: `${redactServers(servers.join(','))}${how ? ` (${how})` : ''}` };
}

/** The server refused the credentials, or TLS could not be set up: retrying cannot help (exit 2). */
export class NatsConfigError extends InputError {}

function isFatal(e: unknown): boolean {
  return (
    e instanceof errors.AuthorizationError ||
    e instanceof errors.UserAuthenticationExpiredError ||
    e instanceof errors.InvalidArgumentError ||
    (e instanceof Error && /tls|certificate|ssl/i.test(e.message))
  );
}

function explain(e: Error, c: ResolvedConnection): NatsConfigError {
  const hint =
    e instanceof errors.AuthorizationError || e instanceof errors.UserAuthenticationExpiredError
      ? ': check --nats-user/--nats-pass (NATS_USER/NATS_PASSWORD), --nats-token (NATS_TOKEN), --nats-creds (NATS_CREDS) or --nats-nkey (NATS_NKEY)'
      : /tls|certificate|ssl/i.test(e.message)
        ? ': check the URL scheme and --nats-tls-ca/--nats-tls-cert/--nats-tls-key'
        : '';
  return new NatsConfigError(`NATS at ${c.describe} refused the connection: ${e.message}${hint}`);
}

export interface ConnectOptions {
  readonly log: Logger;
  /** How long to keep trying while the server cannot be reached (ms); Infinity for a worker. */
  readonly waitMs: number;
}

/**
 * Connects, retrying with backoff while the server is unreachable (for up to `waitMs`), failing at
 * once on refused credentials or TLS. Once connected, the client reconnects forever (a server
 * restart is ridden through); a server that refuses the credentials twice in a row on reconnect
 * closes the connection (nats.js's rule), which the caller sees through `closed()`.
 */
export async function connectNats(c: ResolvedConnection, o: ConnectOptions): Promise<NatsConnection> {
  const deadline = Date.now() + o.waitMs;
  let wait = 250;
  let lastLog = 0;
  for (;;) {
    try {
      const nc = await connect({
        ...c.options,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        reconnectJitter: 500,
        pingInterval: 20_000,
      });
      o.log.info(`connected to NATS at ${c.describe} (server ${nc.info?.version ?? '?'})`);
      return nc;
    } catch (e) {
      if (isFatal(e)) throw explain(e as Error, c);
      if (Date.now() + wait > deadline)
        throw new Error(`cannot reach NATS at ${c.describe}: ${(e as Error).message}`);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        o.log.warn(`cannot reach NATS at ${c.describe} (${(e as Error).message}); retrying`);
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 5000);
    }
  }
}
