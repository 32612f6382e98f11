/**
 * deploy/Dockerfile and deploy/Dockerfile.gpu, checked without a Docker engine: the files are
 * parsed (instructions, line continuations, ARG defaults, stages) and the invariants of
 * deploy/README.md are asserted; the production dependency set is checked against what the
 * compiled code imports.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import test from 'ava';
import { REPO } from '../helpers/cli.js';

interface Instr {
  readonly op: string;
  readonly args: string;
  readonly line: number;
}
interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instrs: Instr[];
}
interface Dockerfile {
  readonly args: Record<string, string>;
  readonly stages: Stage[];
}

function parseDockerfile(text: string): Dockerfile {
  const instrs: Instr[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (!buf && (line.trim() === '' || line.trim().startsWith('#'))) return;
    if (buf && line.trim().startsWith('#')) return; // comments inside a continuation
    if (!buf) start = i + 1;
    if (line.endsWith('\\')) {
      buf += `${line.slice(0, -1)} `;
      return;
    }
    buf += line;
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(buf);
    if (!m) throw new Error(`line ${start}: cannot parse ${buf}`);
    instrs.push({ op: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, ' ').trim(), line: start });
    buf = '';
  });
  if (buf) throw new Error('dangling line continuation');
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instrs) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: bad FROM`);
      const from = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? '');
      stages.push({ from, name: m[2], instrs: [] });
    } else if (stages.length === 0) {
      if (ins.op !== 'ARG') throw new Error(`line ${ins.line}: ${ins.op} before FROM`);
      const [k, v] = ins.args.split(/=(.*)/s, 2);
      args[k!] = (v ?? '').replace(/^"|"$/g, '');
    } else stages.at(-1)!.instrs.push(ins);
  }
  return { args, stages };
}

const read = (name: string) => parseDockerfile(readFileSync(join(REPO, 'deploy', name), 'utf8'));
const final = (d: Dockerfile) => d.stages.at(-1)!;
const runs = (s: Stage) => s.instrs.filter((i) => i.op === 'RUN').map((i) => i.args);
const stageNamed = (d: Dockerfile, name: string) => d.stages.find((s) => s.name === name);
const copies = (s: Stage) =>
  s.instrs
    .filter((i) => i.op === 'COPY')
    .map((i) => {
      const words = i.args.split(' ');
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice(7);
      return { from, flags, srcs: paths.slice(0, -1), dest: paths.at(-1)! };
    });
/** The stage (or image) a stage builds on, following stage names. */
const baseImage = (d: Dockerfile, s: Stage): string => {
  const parent = stageNamed(d, s.from);
  return parent ? baseImage(d, parent) : s.from;
};
const pinned = (image: string) =>
  /@sha256:[0-9a-f]{64}$/.test(image) || /:v?\d+\.\d+\.\d+([-.][\w.-]+)?$/.test(image.split('@')[0]!);

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

for (const file of ['Dockerfile', 'Dockerfile.gpu']) {
  test(`${file}: multi-stage, every base image pinned, Node 22 LTS or newer`, (t) => {
    const d = read(file);
    t.true(d.stages.length >= 3, 'build, dependencies and runtime stages');
    t.true(
      d.stages.every((s) => s.name),
      'every stage is named',
    );
    for (const s of d.stages) {
      const img = baseImage(d, s);
      t.true(pinned(img), `${s.name}: ${img} is pinned to an exact version or digest`);
    }
    const node = /^node:(\d+)\.\d+\.\d+/.exec(d.args.NODE_IMAGE ?? '');
    t.truthy(node, `NODE_IMAGE ${d.args.NODE_IMAGE}`);
    t.true(Number(node![1]) >= 22 && Number(node![1]) % 2 === 0, 'an LTS line (even major) >= 22');
  });

  test(`${file}: the runtime stage runs as a numeric non-root user it creates, and owns none of its code`, (t) => {
    const d = read(file);
    const rt = final(d);
    const users = rt.instrs.filter((i) => i.op === 'USER');
    t.is(users.length, 1);
    const uid = /^(\d+)(?::(\d+))?$/.exec(users[0]!.args);
    t.truthy(uid, 'numeric USER (Kubernetes checks runAsNonRoot against it)');
    t.not(Number(uid![1]), 0);
    t.true(
      runs(rt).some((r) => r.includes('useradd') && r.includes(`--uid ${uid![1]}`)),
      'the user exists in /etc/passwd',
    );
    // USER comes after every RUN/COPY: nothing is written as the runtime user at build time.
    const userAt = rt.instrs.indexOf(users[0]!);
    t.true(rt.instrs.slice(userAt).every((i) => !['RUN', 'COPY', 'ADD'].includes(i.op)));
    // Code stays root-owned and read-only to the runtime user (works with readOnlyRootFilesystem).
    t.true(copies(rt).every((c) => !c.flags.some((f) => f.startsWith('--chown') || f.startsWith('--chmod'))));
    t.false(
      rt.instrs.some((i) => i.op === 'VOLUME'),
      'no anonymous volumes: mounts come from the pod',
    );
  });

  test(`${file}: production dependencies from npm ci --omit=dev, compiled dist from a build stage`, (t) => {
    const d = read(file);
    const rt = final(d);
    t.false(
      runs(rt).some((r) => /\bnpm\b/.test(r)),
      'no npm in the runtime stage',
    );
    const nm = copies(rt).find((c) => c.srcs.some((s) => s.endsWith('node_modules')));
    t.truthy(nm?.from, 'node_modules copied from a stage');
    const depStage = stageNamed(d, nm!.from!)!;
    t.true(
      runs(depStage).some((r) => /npm ci\b.*--omit=dev/.test(r)),
      `${depStage.name}: npm ci --omit=dev`,
    );
    t.false(
      runs(depStage).some((r) => /npm (ci|install)\b/.test(r) && !r.includes('--omit=dev')),
      'no dev deps',
    );
    // The lockfile is in place before npm ci.
    const lockAt = depStage.instrs.findIndex((i) => i.op === 'COPY' && i.args.includes('package-lock.json'));
    const ciAt = depStage.instrs.findIndex((i) => i.op === 'RUN' && i.args.includes('npm ci'));
    t.true(lockAt >= 0 && lockAt < ciAt);
    const dist = copies(rt).find((c) => c.srcs.some((s) => s.endsWith('/dist')));
    const build = stageNamed(d, dist!.from!)!;
    t.true(
      runs(build).some((r) => r.includes('tsc -p tsconfig.json')),
      'dist built by tsc',
    );
    t.true(
      runs(build).some((r) => /npm ci\b/.test(r) && !r.includes('--omit=dev')),
      'tsc comes from the dev deps',
    );
    // Every source folder the project compiles (but tests) reaches the build stage.
    const tsconfig = JSON.parse(readFileSync(join(REPO, 'tsconfig.json'), 'utf8')) as { include: string[] };
    const copied = copies(build).flatMap((c) => c.srcs);
    for (const dir of tsconfig.include.filter((x) => x !== 'test'))
      t.true(copied.includes(dir), `build copies ${dir}`);
    // package.json sits beside dist (coordinator/versions.ts reads ../../package.json).
    t.true(copies(rt).some((c) => c.srcs.includes('package.json') && !c.from));
  });

  test(`${file}: the entrypoint is the package's bin, in exec form`, (t) => {
    const rt = final(read(file));
    const ep = rt.instrs.filter((i) => i.op === 'ENTRYPOINT');
    t.is(ep.length, 1);
    const argv = JSON.parse(ep[0]!.args) as string[];
    const workdir = rt.instrs.filter((i) => i.op === 'WORKDIR').at(-1)!.args;
    t.deepEqual(argv, ['node', join(workdir, pkg.bin.saddlescope!)]);
  });

  test(`${file}: no secrets, every COPY source exists and survives .dockerignore`, (t) => {
    const d = read(file);
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const must of ['node_modules', 'dist', '.git', '.env'])
      t.true(ignore.includes(must), `.dockerignore: ${must}`);
    for (const s of d.stages) {
      for (const i of s.instrs) {
        if (i.op === 'ADD') t.fail(`${s.name}: ADD (use COPY)`);
        if (i.op === 'ENV' || i.op === 'ARG')
          t.false(/(PASSWORD|TOKEN|SECRET|CREDS|NKEY|_KEY)\b/i.test(i.args), `${s.name}: ${i.op} ${i.args}`);
      }
      for (const c of copies(s)) {
        if (c.from) continue;
        for (const src of c.srcs) {
          t.true(existsSync(join(REPO, src)), `${s.name}: COPY ${src} exists`);
          t.false(
            ignore.some((p) => p === src || src.startsWith(`${p}/`)),
            `${s.name}: COPY ${src} is not excluded by .dockerignore`,
          );
        }
      }
    }
  });
}

test('Dockerfile.gpu: CUDA 11 + cuDNN 8 base (libtensorflow 2.9), tfjs-node-gpu pinned and built on it', (t) => {
  const d = read('Dockerfile.gpu');
  t.regex(d.args.CUDA_IMAGE ?? '', /^nvidia\/cuda:11\.\d+\.\d+-cudnn8-runtime-ubuntu\d+\.\d+$/);
  const rt = final(d);
  t.is(baseImage(d, rt), d.args.CUDA_IMAGE);
  const nm = copies(rt).find((c) => c.srcs.some((s) => s.endsWith('node_modules')))!;
  const deps = stageNamed(d, nm.from!)!;
  t.is(baseImage(d, deps), d.args.CUDA_IMAGE, 'the native binding is built on the runtime OS');
  t.true(runs(deps).some((r) => /npm install --no-save .*@tensorflow\/tfjs-node-gpu@4\.22\.0\b/.test(r)));
  t.true(
    runs(deps).some((r) => /npm rebuild @tensorflow\/tfjs-node-gpu\b/.test(r)),
    'its install script runs',
  );
  // The same Node as the CPU image.
  t.is(d.args.NODE_IMAGE, read('Dockerfile').args.NODE_IMAGE);
  t.true(copies(rt).some((c) => c.from === 'node' && c.srcs.includes('/usr/local/bin/node')));
});

test('the runtime imports only production dependencies (static imports; dynamic import() may be optional)', (t) => {
  const dist = join(REPO, 'dist');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.js')) files.push(p);
    }
  };
  for (const dir of ['coordinator', 'shared', 'worker'])
    if (existsSync(join(dist, dir))) walk(join(dist, dir));
  t.true(files.length > 10);
  const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
  const bad: string[] = [];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(
      /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm,
    )) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (!allowed.has(name)) bad.push(`${relative(dist, f)}: ${spec}`);
    }
  }
  t.deepEqual(bad, [], 'a static import of a devDependency would crash the image (npm ci --omit=dev)');
});
