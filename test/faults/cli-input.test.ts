import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { collect, runCli, startCli, tempDir, writeSpec } from '../helpers/cli.js';

/**
 * Issue 22, items 10 and 11 (the parts outside storage and NATS): inputs that used to be taken
 * for something else, and failures that named nothing. Each is run as a user runs the CLI.
 */

const spec = (extra = '') => `
name: input
seed: 3
problem: { kind: torus }
optimizers: [{ kind: newton }]
seeds: 3
${extra}`;

for (const v of ['1e3', '0x10', ' 12', '12.0'])
  test.serial(`--seeds '${v}' is refused: counts are decimal digits`, async (t) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await runCli(['run', writeSpec(dir, spec()), '--out', out, '--seeds', v]);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /--seeds must be a positive integer in decimal digits, got '/);
    t.false(existsSync(out));
  });

test.serial('--threads 0x4 is refused like --seeds', async (t) => {
  const dir = tempDir();
  const r = await runCli(['run', writeSpec(dir, spec()), '--out', join(dir, 'o'), '--threads', '0x4']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /--threads must be a positive integer in decimal digits, got '0x4'/);
});

test.serial('--health-port 0x1F90 is refused: a port in decimal digits', async (t) => {
  const r = await runCli(['worker', '--nats', 'nats://127.0.0.1:1', '--health-port', '0x1F90']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /--health-port must be a port \(0–65535\), got '0x1F90'/);
});

test.serial('replay of a dir that is no out dir says so, not "no task"', async (t) => {
  const missing = join(tempDir(), 'nonexistent');
  const r = await runCli(['replay', missing, 'abc']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /is not a saddlescope out dir \(no study\.json\)/);
  t.notRegex(r.stderr, /no task/);
});

test.serial('sweep errors name the spec file and every bad value', async (t) => {
  const dir = tempDir();
  const p = writeSpec(dir, spec('sweep: { R: [1, -2, 0, 3, -1], e: [1.5, 0] }'));
  const r = await runCli(['run', p, '--out', join(dir, 'o')]);
  t.is(r.code, 2, r.stderr);
  t.true(r.stderr.includes(`invalid ${p}:`), r.stderr);
  for (const bad of [
    'sweep.R[1]: must be > 0',
    'sweep.R[2]: must be > 0',
    'sweep.R[4]: must be > 0',
    'sweep.e[1]: must be > 0',
  ])
    t.true(r.stderr.includes(bad), `${bad} in:\n${r.stderr}`);
  t.false(r.stderr.includes('sweep.R[3]'), 'only the bad values');
});

test.serial('a sweep over the problem kind gets a message that says why', async (t) => {
  const dir = tempDir();
  const r = await runCli(['run', writeSpec(dir, spec('sweep: { kind: [circle] }')), '--out', join(dir, 'o')]);
  t.is(r.code, 2, r.stderr);
  t.regex(
    r.stderr,
    /sweep\.kind: a problem's kind cannot be swept: list one problem per kind under `problems`/,
  );
  t.notRegex(r.stderr, /unknown key/);
});

test.serial('a study spec that is not a mapping names itself', async (t) => {
  const dir = tempDir();
  const p = writeSpec(dir, '- just\n- a list\n');
  const r = await runCli(['run', p, '--out', join(dir, 'o')]);
  t.is(r.code, 2, r.stderr);
  t.true(r.stderr.includes(`invalid ${p}: a study spec is a mapping of fields`), r.stderr);
});

for (const manifest of ['{}', 'not json'])
  test.serial(
    `an out dir whose study.json is ${manifest}: every reader exits 2 naming the file, export writes nothing`,
    async (t) => {
      const dir = join(tempDir(), 'out');
      mkdirSync(dir);
      writeFileSync(join(dir, 'study.json'), manifest);
      for (const args of [
        ['export', dir],
        ['summary', dir],
        ['report', dir],
        ['replay', dir, 'abc'],
      ]) {
        const r = await runCli(args);
        t.is(r.code, 2, `${args[0]}: ${r.stderr}`);
        // out-dir.ts's readManifest: `not JSON (…)` or `not a saddlescope study manifest (no name)`.
        t.true(
          r.stderr.startsWith(`saddlescope: ${join(dir, 'study.json')}: not `),
          `${args[0]}: ${r.stderr}`,
        );
        t.regex(r.stderr, /: not (JSON \(|a saddlescope study manifest \(no name\))/);
        t.notRegex(r.stderr, /TypeError|\n\s+at /);
      }
      t.deepEqual(readdirSync(dir), ['study.json']);
    },
  );

test.serial('a full disk (ENOSPC) is one line naming the file, not a stack trace', async (t) => {
  const dir = tempDir();
  const out = join(dir, 'out');
  mkdirSync(out);
  const child = startCli(['run', writeSpec(dir, spec()), '--out', out]);
  // study.json is written through `study.json.tmp-<pid>`: point that name at /dev/full, whose
  // writes fail with ENOSPC. The child takes far longer to load than this takes to run.
  symlinkSync('/dev/full', join(out, `study.json.tmp-${child.pid}`));
  const r = await collect(child);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /^saddlescope: ENOSPC: no space left on device, write \(writing .*study\.json\)\n$/);
  t.false(existsSync(join(out, 'study.json')));
  t.deepEqual(readdirSync(out), [], 'the temp file is removed');
});

test.serial('an out dir under a file (ENOTDIR) is one line naming the path', async (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'file'), '');
  const r = await runCli(['run', writeSpec(dir, spec()), '--out', join(dir, 'file', 'out')]);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /^saddlescope: ENOTDIR: not a directory, mkdir '.*file\/out'\n$/);
});

test.serial('validate shows the estimated time and memory of a task, and the total', async (t) => {
  const dir = tempDir();
  const p = writeSpec(
    dir,
    'name: est\nseed: 1\nproblem: { kind: mlp-regression, width: 10 }\nsweep: { width: [5, 20] }\noptimizers: [{ kind: newton }, { kind: adam }]\nseeds: 3\n',
  );
  const r = await runCli(['validate', p]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /estimates:\n {2}plan: 12 tasks \(2 problem variants × 3 seeds × 2 optimizers\)\n/);
  t.regex(
    r.stdout,
    /problem × optimizers\[0\] \(newton\) \[n = 480, N = 100, width = 20\]: per task ≈ .*, ≈ .*B\n/,
  );
  t.regex(r.stdout, /total: at most ≈ .* of one thread/);
});
