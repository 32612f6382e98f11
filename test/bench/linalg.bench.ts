/**
 * Dense symmetric linear algebra against LAPACK (numpy, single-threaded, measured in the same run on
 * the same matrices) and against ml-matrix, the arrays-of-arrays baseline.
 * Target (the issue): eigSym within 5× of LAPACK for n <= 500.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { eigSym } from '../../shared/linalg/eig.js';
import { ldlt } from '../../shared/linalg/ldlt.js';
import { Stream } from '../../shared/rng/stream.js';
import { randomSymmetric } from '../helpers/matrices.js';
import { type BenchReport, type BenchRow, median, timeMs } from './harness.js';

export interface Case {
  readonly name: string;
  readonly n: number;
  readonly a: Float64Array;
  /** A right-hand side: the server then also answers `name solve` with np.linalg.solve(a, rhs). */
  readonly rhs?: Float64Array;
  /** The routines to warm up on this matrix (default eigh and eigvalsh, plus solve with an rhs). */
  readonly routines?: readonly NumpyRoutine[];
}

export type NumpyRoutine = 'eigh' | 'eigvalsh' | 'solve';

const randomSymmetricOf = (n: number) => randomSymmetric(new Stream('bench', 'linalg', n), n);

/** A Hessian shaped like those at trivial saddles: JᵀJ of rank m plus a small indefinite rank-r part. */
function saddleLike(n: number, m: number, r: number): Float64Array {
  const s = new Stream('bench', 'saddle', n);
  const j = s.fillNormal(new Float64Array(m * n));
  const u = s.fillNormal(new Float64Array(r * n));
  const a = new Float64Array(n * n);
  for (let p = 0; p < n; p++)
    for (let q = 0; q <= p; q++) {
      let g = 0;
      for (let k = 0; k < m; k++) g += j[k * n + p] * j[k * n + q];
      for (let k = 0; k < r; k++) g += (k % 2 ? -1e-3 : 1e-3) * u[k * n + p] * u[k * n + q];
      a[p * n + q] = g;
      a[q * n + p] = g;
    }
  return a;
}

/**
 * A numpy timing server: loads the matrices, then answers each line "name routine" with the wall
 * time in ms of one call (after two warm-up calls per matrix and routine). Driving it one call at a
 * time lets ours and LAPACK's runs alternate, so both see the same load on a shared machine.
 */
const PYTHON = `
import json, sys, time
import numpy as np
specs = json.loads(sys.argv[1])
mats = {s["name"]: np.fromfile(s["file"], dtype=np.float64).reshape(s["n"], s["n"]) for s in specs}
rhs = {s["name"]: np.fromfile(s["rhs"], dtype=np.float64) for s in specs if "rhs" in s}
fns = {
    "eigh": lambda name, a: np.linalg.eigh(a),
    "eigvalsh": lambda name, a: np.linalg.eigvalsh(a),
    "solve": lambda name, a: np.linalg.solve(a, rhs[name]),
}
for s in specs:
    for r in s["routines"]:
        fns[r](s["name"], mats[s["name"]]); fns[r](s["name"], mats[s["name"]])
print(json.dumps({"numpy": np.__version__}), flush=True)
for line in sys.stdin:
    name, routine = line.split()
    a = mats[name]; f = fns[routine]
    t0 = time.perf_counter(); f(name, a); t = (time.perf_counter() - t0) * 1e3
    print(t, flush=True)
`;

export interface Numpy {
  readonly version: string;
  time(name: string, routine: NumpyRoutine): Promise<number>;
  close(): void;
}

const f64 = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Starts the numpy timing server on `cases` (files in `dir`). `python` defaults to the `python3` on
 * PATH and `env` to ours; the BLAS thread variables are set to 1 on top of either.
 */
export async function startNumpy(
  cases: readonly Case[],
  dir: string,
  opts: { python?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Numpy | string> {
  const specs = cases.map((c) => {
    const file = join(dir, `${c.name}.f64`);
    writeFileSync(file, f64(c.a));
    const routines = c.routines ?? (c.rhs ? ['eigh', 'eigvalsh', 'solve'] : ['eigh', 'eigvalsh']);
    if (!c.rhs) return { name: c.name, n: c.n, file, routines };
    const rhs = join(dir, `${c.name}.rhs.f64`);
    writeFileSync(rhs, f64(c.rhs));
    return { name: c.name, n: c.n, file, rhs, routines };
  });
  const threads = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const server = await startLineServer(opts.python ?? 'python3', PYTHON, [JSON.stringify(specs)], {
    ...(opts.env ?? process.env),
    ...threads,
  });
  if (typeof server === 'string') return `${server}: no LAPACK baseline`;
  const version = (JSON.parse(server.first) as { numpy: string }).numpy;
  return {
    version,
    async time(name, routine) {
      return Number(await server.ask(`${name} ${routine}`));
    },
    close: server.close,
  };
}

/** A Python child answering one stdout line per stdin line, after a first line of its own. */
export interface LineServer {
  /** The first line the child printed (once it is ready). */
  readonly first: string;
  ask(line: string): Promise<string>;
  close(): void;
}

/**
 * Runs `python -c code ...args`, writes `input` (if any) as its first stdin line and waits for its
 * first stdout line; resolves to a sentence saying why when it cannot be run or exits first.
 */
export async function startLineServer(
  python: string,
  code: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<LineServer | string> {
  const child = spawn(python, ['-c', code, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const failed = new Promise<string>((resolve) => {
    child.on('error', (err) => resolve(`${python} could not be run (${err.message})`));
    child.on('exit', () => resolve(`${python} failed (${stderr.trim().split('\n').pop()})`));
  });
  // A child that died before reading its input must not take us down with EPIPE.
  child.stdin.on('error', () => {});
  if (input !== undefined) child.stdin.write(`${input}\n`);
  const first = await Promise.race([lines.next(), failed]);
  if (typeof first === 'string') return first;
  if (first.done) return await failed;
  return {
    first: first.value,
    async ask(line) {
      child.stdin.write(`${line}\n`);
      const answer = await lines.next();
      if (answer.done) throw new Error(`${python} timing server stopped: ${stderr}`);
      return answer.value;
    },
    close() {
      child.stdin.end();
    },
  };
}

/** Median wall time of our call, alternating call by call with numpy's when it is available. */
export async function paired(
  fn: () => unknown,
  reps: number,
  np?: () => Promise<number>,
): Promise<{ ours: number; numpy: number }> {
  for (let i = 0; i < 3; i++) fn();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ours.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (np) theirs.push(await np());
  }
  return { ours: median(ours), numpy: np ? median(theirs) : Number.NaN };
}

export function mlMatrixMs(a: Float64Array, n: number, reps: number): number {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
  const m = new Matrix(rows);
  return timeMs(() => new EigenvalueDecomposition(m, { assumeSymmetric: true }), reps, reps > 1 ? 1 : 0);
}

export async function bench(): Promise<BenchReport> {
  const cases: Case[] = [
    { name: 'random-140', n: 140, a: randomSymmetricOf(140) },
    { name: 'random-480', n: 480, a: randomSymmetricOf(480) },
    { name: 'random-500', n: 500, a: randomSymmetricOf(500) },
    { name: 'saddle-480', n: 480, a: saddleLike(480, 100, 8) },
  ];
  const reps = (n: number) => (n <= 200 ? 31 : 11);
  const dir = mkdtempSync(join(tmpdir(), 'linalg-bench-'));
  const np = await startNumpy(cases, dir);
  const notes: string[] = [];
  if (typeof np === 'string') notes.push(np);
  else
    notes.push(
      `numpy ${np.version}, OpenBLAS single-threaded, same matrices; each median of ${reps(480)}–${reps(140)} reps, ours and numpy's alternating call by call`,
    );
  const rows: BenchRow[] = [];
  try {
    for (const c of cases) {
      const { n, a } = c;
      const lapack = typeof np === 'string' ? undefined : np;
      const vals = await paired(
        () => eigSym(a, n),
        reps(n),
        lapack && (() => lapack.time(c.name, 'eigvalsh')),
      );
      const vecs = await paired(
        () => eigSym(a, n, { vectors: true }),
        reps(n),
        lapack && (() => lapack.time(c.name, 'eigh')),
      );
      const b = new Stream('bench', 'rhs').fillNormal(new Float64Array(n));
      // The saddle-like case is singular (most eigenvalues vanish): factor only, as Newton would learn.
      const fac = timeMs(
        () => {
          const f = ldlt(a, n);
          return f.singular ? f.inertia : f.solve(b);
        },
        reps(n),
        3,
      );
      // ml-matrix takes seconds at n ≈ 500: once there, and only on the random cases.
      const ml = c.name.startsWith('random') ? mlMatrixMs(a, n, n <= 200 ? 3 : 1) : Number.NaN;
      const row: BenchRow = {
        case: c.name,
        'eig values ms': vals.ours,
        'eig vectors ms': vecs.ours,
        'ldlt+solve ms': fac,
        'ml-matrix ms': Number.isNaN(ml) ? '-' : ml,
        'ml-matrix/ours': Number.isNaN(ml) ? '-' : ml / vecs.ours,
        'numpy eigvalsh ms': lapack ? vals.numpy : '-',
        'numpy eigh ms': lapack ? vecs.numpy : '-',
        'values/numpy': lapack ? vals.ours / vals.numpy : '-',
        'vectors/numpy': lapack ? vecs.ours / vecs.numpy : '-',
      };
      rows.push(row);
    }
  } finally {
    if (typeof np !== 'string') np.close();
    rmSync(dir, { recursive: true, force: true });
  }
  notes.push('ratios ours/numpy: target <= 5; ml-matrix/ours compares with-vectors times');
  return { title: 'linalg: eigSym and ldlt (ms, medians)', rows, notes };
}
