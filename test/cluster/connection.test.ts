import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { failureResult } from '../../shared/failure-row.js';
import { runTask } from '../../shared/run-task.js';
import { isInputError } from '../../shared/study/errors.js';
import { expandStudy } from '../../shared/study/plan.js';
import { TASK_COLUMNS } from '../../shared/study/result.js';
import { parseSpec } from '../../shared/study/spec.js';
import { type NatsFlags, redactServers, resolveConnection } from '../../worker/nats/connection.js';
import { parseSubject, studyKey, taskSubject } from '../../worker/nats/names.js';
import { tempDir } from '../helpers/cli.js';

/** Connection flags (no server needed), names on the server, and failure rows. */

const url = 'nats://127.0.0.1:4222';

/** Each bad combination of flags and the message that must name it (exit 2 in the CLI). */
const refused: Array<[string, NatsFlags, RegExp]> = [
  ['no URL', {}, /--nats <url> is required \(or set NATS_URL\)/],
  ['not a URL', { nats: 'http://x y' }, /--nats: not a NATS URL: http:\/\/x y/],
  [
    'a user without password',
    { nats: url, natsUser: 'a' },
    /--nats-user and --nats-pass \(NATS_USER, NATS_PASSWORD\) go together/,
  ],
  [
    'two ways to authenticate',
    { nats: url, natsToken: 't', natsCreds: '/x' },
    /give one of user\/password, token, creds file or nkey \(got token, creds file\)/,
  ],
  [
    'a creds file that is not there',
    { nats: url, natsCreds: '/nope/x.creds' },
    /--nats-creds: cannot read \/nope\/x\.creds: ENOENT/,
  ],
  [
    'an nkey file that is not there',
    { nats: url, natsNkey: '/nope/seed' },
    /--nats-nkey: cannot read \/nope\/seed: ENOENT/,
  ],
  [
    'a CA file that is not there',
    { nats: url, natsTlsCa: '/nope/ca.pem' },
    /--nats-tls-ca: cannot read \/nope\/ca\.pem: ENOENT/,
  ],
  [
    'a certificate without key',
    { nats: url, natsTlsCert: '/x' },
    /--nats-tls-cert and --nats-tls-key .* go together/,
  ],
];

for (const [name, flags, want] of refused)
  test(`connection flags: ${name} is refused`, (t) => {
    const e = t.throws(() => resolveConnection(flags, 'test'));
    t.true(isInputError(e));
    t.regex(e.message, want);
  });

test('connection flags: credentials reach the options, never the description', (t) => {
  const c = resolveConnection(
    { nats: `nats://bob:hunter2@127.0.0.1:4222, ${url}`, natsUser: 'bob', natsPass: 'pw-secret' },
    'n',
  );
  t.deepEqual(c.options.servers, ['nats://bob:hunter2@127.0.0.1:4222', url]);
  t.is(c.options.user, 'bob');
  t.is(c.options.pass, 'pw-secret');
  t.is(c.describe, `nats://***@127.0.0.1:4222,${url} (user 'bob' with password)`);
  t.notRegex(c.describe, /hunter2|pw-secret/);
  t.is(resolveConnection({ nats: url, natsToken: 'tok-secret' }, 'n').describe, `${url} (token)`);
  const dir = tempDir();
  const seed = join(dir, 'seed.nk');
  // A user nkey seed (from the nkeys test vectors): read from its file, handed to an authenticator.
  writeFileSync(seed, 'SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY\n');
  const nk = resolveConnection({ nats: url, natsNkey: seed }, 'n');
  t.is(typeof nk.options.authenticator, 'function');
  t.is(nk.describe, `${url} (nkey from ${seed})`);
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
  const tls = resolveConnection({ nats: 'tls://127.0.0.1:4222', natsTlsCa: ca }, 'n');
  t.deepEqual(tls.options.tls, { caFile: ca, certFile: undefined, keyFile: undefined });
  t.is(tls.describe, 'tls://127.0.0.1:4222 (TLS)');
  t.is(redactServers('nats://u:p@h:1,nats://h:2'), 'nats://***@h:1,nats://h:2');
});

test('study keys are subject-safe and tell plans apart; subjects parse back', (t) => {
  t.is(studyKey('torus.v2 final', 'abcdef0123456789abcdef'), 'torus_v2_final-abcdef012345');
  t.not(studyKey('s', 'aaaaaaaaaaaa1'), studyKey('s', 'bbbbbbbbbbbb1'));
  const key = studyKey('torus', '0123456789abcdef');
  t.deepEqual(parseSubject(taskSubject(key, '0123456789abcdef0123')), {
    key,
    taskId: '0123456789abcdef0123',
  });
  const tfjs = taskSubject(key, '0123456789abcdef0123', 'tfjs');
  t.is(tfjs, `saddlescope.tasks-tfjs.${key}.0123456789abcdef0123`);
  t.deepEqual(parseSubject(tfjs), { key, taskId: '0123456789abcdef0123' });
  t.is(parseSubject('saddlescope.tasks.garbage'), null);
  t.is(parseSubject('saddlescope.tasks.k.not-an-id'), null);
});

test('a failure row describes its task exactly as runTask does', (t) => {
  const tasks = expandStudy(
    parseSpec(`
name: failure-row
seed: 2
problem: { kind: torus }
optimizers: [ { kind: newton, lambda: 0.5 }, { kind: warm-start, first: { kind: adam }, next: { kind: bfgs }, steps: 2 } ]
seeds: 2
stop: { maxIter: 3 }
`),
  );
  for (const task of tasks) {
    const real = runTask(task, { worker: 'w#1' });
    const failed = failureResult(task, 'max deliveries: delivered 5 times', 'pod:1');
    t.is(failed.kind, real.kind);
    const row = failed.row as unknown as Record<string, unknown>;
    const want = real.row as unknown as Record<string, unknown>;
    t.deepEqual(Object.keys(row).sort(), Object.keys(want).sort());
    for (const k of [...TASK_COLUMNS, 'engine']) t.is(row[k], want[k], k);
    t.like(row, {
      status: 'error',
      message: 'max deliveries: delivered 5 times',
      worker: 'pod:1',
      iterations: 0,
    });
  }
});
