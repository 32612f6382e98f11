import { spawn } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { CLI, REPO, tempDir, writeSpec } from '../helpers/cli.js';
import { readTable } from '../helpers/rows.js';

/**
 * Ctrl-C at a real terminal: `script` (util-linux) runs the CLI on a pseudo-terminal and relays
 * our bytes to it, so \x03 reaches the line discipline and becomes SIGINT to the foreground
 * process group, as a key press does. The messages must start on their own line (the progress
 * bar holds the cursor's), say what the run waits for and that a second Ctrl-C stops at once,
 * and end with the resume command.
 */

const ANSI = new RegExp(`${String.fromCharCode(27)}(\\[[0-9;?]*[A-Za-z]|[78])`, 'g');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function atTerminal(args: readonly string[]) {
  // `exec`: script runs the command through $SHELL -c; a shell left between it and node (dash, CI's
  // /bin/sh, forks) would be in the foreground group too, die of the SIGINT and set the exit code.
  const command = `exec ${[process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: REPO,
    env: { ...process.env, SHELL: '/bin/sh' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  child.stderr.on('data', (d) => (text += d));
  const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return {
    press: () => child.stdin.write('\x03'),
    exit,
    lines: () => text.replace(ANSI, '').split(/\r?\n|\r/),
    raw: () => text,
  };
}

function study(dir: string) {
  return writeSpec(dir, [
    'name: terminal',
    'seed: 4',
    'problem: { kind: torus }',
    'optimizers: [ { kind: adam, lr: 1.0e-4 } ]',
    'seeds: 400',
    'stop: { gradTol: 1.0e-14, maxIter: 20000 }',
  ]);
}

async function untilRunning(t: ReturnType<typeof atTerminal>) {
  const deadline = Date.now() + 120_000;
  while (!/\d+% \|/.test(t.lines().join('\n')) && Date.now() < deadline) await sleep(50);
  await sleep(1000);
}

test.serial(
  'Ctrl-C at a terminal: messages on their own lines, rows kept, the resume command last',
  async (t) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const term = atTerminal(['run', study(dir), '--out', out, '--threads', '1']);
    await untilRunning(term);
    term.press();
    t.is(await term.exit, 1, term.raw());
    const lines = term.lines().filter((l) => l.trim() !== '');
    const warning = lines.find((l) => l.includes('interrupted:'));
    t.regex(
      warning ?? '',
      /^\[\d\d:\d\d:\d\d\] WARN: interrupted: stopping after the tasks in flight \(\d+\) finish/,
    );
    t.regex(warning ?? '', /Ctrl-C again to stop at once; resume with: saddlescope run .* --out /);
    t.regex(lines.at(-1) ?? '', /WARN: incomplete: \d+\/400 tasks have rows; resume with: saddlescope run /);
    const kept = readTable(out).numRows;
    t.true(kept > 0 && kept < 400, `${kept} rows kept`);
  },
);

test.serial('a second Ctrl-C stops at once (exit 130), and the rows journaled so far are kept', async (t) => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const term = atTerminal(['run', study(dir), '--out', out, '--threads', '1']);
  await untilRunning(term);
  term.press();
  await sleep(20);
  term.press();
  t.is(await term.exit, 130, term.raw());
  t.truthy(
    term
      .lines()
      .find((l) => /WARN: stopping at once: rows already in the journal are kept; resume with:/.test(l)),
  );
  // The next run takes the journal's rows into a segment and completes the study.
  const again = atTerminal(['run', study(dir), '--out', out, '--threads', '2']);
  t.is(await again.exit, 0, again.raw());
  const ids = readTable(out).getChild('task_id')!.toArray() as string[];
  t.is(ids.length, 400);
  t.is(new Set(ids).size, 400);
});
