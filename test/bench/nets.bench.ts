/**
 * Network objectives: the exact Hessian of the tanh MLP regression (paper §3: two hidden layers,
 * N = 100 grid points on [−1, 1], f = sin(2πx)) at width 10 (n = 140) and 20 (n = 480), one thread,
 * against PyTorch's `torch.autograd.functional.hessian` (float64, vectorized) on the same θ, which
 * also checks that both Hessians agree; the Newton step's linear algebra on those Hessians against
 * numpy (LAPACK) and ml-matrix; and the memory of one evaluate2 at ~2,000 parameters.
 * Targets (the issue): our Hessian ≥ 5× faster than torch's at both widths; < 256 MB per worker.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from 'ml-matrix';
import { eigSym, ldlt } from '../../shared/linalg/mod.js';
import type { Objective } from '../../shared/problems/objective.js';
import { maxRelDiff } from '../helpers/matrices.js';
import { type BenchReport, type BenchRow, median, timeMs } from './harness.js';
import { type Case, mlMatrixMs, paired, startNumpy } from './linalg.bench.js';
import { memoryChild, POINTS, PYTHON, regressionAt, startTorch, TORCH_MLP_LOSS } from './torch-mlp.js';

/** Rounds of paired timings per case (the ratio is their median). */
const ROUNDS = 3;
/** Torch's Hessian must equal ours to this normwise relative difference, or the bench fails. */
const AGREE = 1e-8;

interface Net {
  readonly name: string;
  readonly width: number;
  readonly f: Objective;
  readonly n: number;
  readonly theta: Float64Array;
  readonly gradient: Float64Array;
  readonly hessian: Float64Array;
}

function regression(width: number, extra: Record<string, unknown> = {}): Net {
  const { f, theta } = regressionAt(width, 'bench', extra);
  const { gradient, hessian } = f.evaluate2(theta);
  return { name: `w${width}`, width, f, n: f.dim, theta, gradient, hessian };
}

/**
 * Torch timing server. Its first stdin line is JSON {dir, cases: [{name, width, points, theta}]}
 * with OUR θ, sliced in our layout θ = [W₁ (w×1), b₁, W₂ (w×w, [out, in] as torch stores it), b₂,
 * c (w)] into the weights of Linear(1,w) tanh Linear(w,w) tanh Linear(w,1,bias=False) (the
 * functional form of that Sequential, so that the Hessian is over the flat θ). It writes each
 * Hessian to dir/name.f64, prints {torch, threads, cases: {name: {value, file}}}, then answers each
 * line `name` with the wall time in ms of one Hessian (after two warm-up calls per case).
 */
const TORCH = `
import json, re, sys, time
import torch
import torch.nn.functional as F
torch.set_num_threads(1)
spec = json.loads(sys.stdin.readline())
${TORCH_MLP_LOSS}
def hessian(loss, theta):
    return torch.autograd.functional.hessian(loss, theta, vectorize=True)
cases, out = {}, {}
for c in spec["cases"]:
    w = c["width"]
    theta = torch.tensor(c["theta"], dtype=torch.float64)
    assert theta.numel() == w * w + 4 * w, (theta.numel(), w)
    loss = make(w, c["points"])
    hessian(loss, theta)
    h = hessian(loss, theta)
    file = spec["dir"] + "/" + c["name"] + ".torch.f64"
    h.detach().numpy().astype("<f8").tofile(file)
    cases[c["name"]] = (loss, theta)
    out[c["name"]] = {"value": float(loss(theta)), "file": file}
blas = re.search(r"BLAS_INFO=(\\w+)", torch.__config__.show())
info = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas and blas.group(1)}
print(json.dumps({**info, "cases": out}), flush=True)
for line in sys.stdin:
    loss, theta = cases[line.strip()]
    t0 = time.perf_counter(); hessian(loss, theta); t = (time.perf_counter() - t0) * 1e3
    print(t, flush=True)
`;

/** Name of parameter q in θ = [W₁, b₁, W₂, b₂, c] (two hidden layers of width w, one input). */
function paramName(q: number, w: number): string {
  if (q < w) return `W1[${q}]`;
  if (q < 2 * w) return `b1[${q - w}]`;
  if (q < 2 * w + w * w) return `W2[${Math.floor((q - 2 * w) / w)}][${(q - 2 * w) % w}]`;
  if (q < 3 * w + w * w) return `b2[${q - 2 * w - w * w}]`;
  return `c[${q - 3 * w - w * w}]`;
}

/** max|A − B| / max|A| and where the largest |A − B| is. */
function compare(a: Float64Array, b: Float64Array, n: number, w: number): { rel: number; where: string } {
  let scale = 0;
  let worst = -1;
  let at = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    const d = Math.abs(a[i] - b[i]);
    // !(d <= worst) also catches a NaN.
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  const i = Math.floor(at / n);
  const j = at % n;
  return {
    rel: worst / scale,
    where: `H[${i}][${j}] (${paramName(i, w)}, ${paramName(j, w)}): ours ${a[at]}, torch ${b[at]}`,
  };
}

/**
 * The JS baseline: the Gauss–Newton part (2/N) JᵀJ of the Hessian, J the N × n Jacobian of the
 * network's outputs by plain per-point backpropagation, the product by ml-matrix's mmul (the
 * arrays-of-arrays library this repo depends on). It is a lower bound for any Hessian assembled
 * from J the straightforward way — the exact one adds the residual term Σ rᵢ ∇²uᵢ on top — and,
 * unlike tfjs's nested tf.grad (n reverse passes over a graph, ~3 s at width 20, and whose pure-JS
 * CPU backend measures tfjs's tape rather than the Hessian), cheap enough to repeat for medians.
 * Returns the GN matrix and the gradient (2/N) Jᵀr, which checks J against our gradient.
 */
function gaussNewton(theta: Float64Array, w: number): { gn: Matrix; gradient: Float64Array } {
  const n = w * w + 4 * w;
  const [oB1, oW2, oB2, oC] = [w, 2 * w, 2 * w + w * w, 3 * w + w * w];
  const rows: number[][] = [];
  const res: number[] = [];
  const h1 = new Float64Array(w);
  const h2 = new Float64Array(w);
  const d1 = new Float64Array(w);
  for (let i = 0; i < POINTS; i++) {
    const x = -1 + (2 * i) / (POINTS - 1);
    for (let j = 0; j < w; j++) h1[j] = Math.tanh(theta[j] * x + theta[oB1 + j]);
    let u = 0;
    for (let k = 0; k < w; k++) {
      let z = theta[oB2 + k];
      for (let j = 0; j < w; j++) z += theta[oW2 + k * w + j] * h1[j];
      h2[k] = Math.tanh(z);
      u += theta[oC + k] * h2[k];
    }
    const row = new Array<number>(n).fill(0);
    d1.fill(0);
    for (let k = 0; k < w; k++) {
      row[oC + k] = h2[k];
      const d2 = theta[oC + k] * (1 - h2[k] * h2[k]);
      row[oB2 + k] = d2;
      for (let j = 0; j < w; j++) {
        row[oW2 + k * w + j] = d2 * h1[j];
        d1[j] += theta[oW2 + k * w + j] * d2;
      }
    }
    for (let j = 0; j < w; j++) {
      const d = d1[j] * (1 - h1[j] * h1[j]);
      row[oB1 + j] = d;
      row[j] = d * x;
    }
    rows.push(row);
    res.push(u - Math.sin(2 * Math.PI * x));
  }
  const J = new Matrix(rows);
  const gn = J.transpose()
    .mmul(J)
    .mul(2 / POINTS);
  const gradient = Float64Array.from(
    J.transpose()
      .mmul(Matrix.columnVector(res))
      .mul(2 / POINTS)
      .to1DArray(),
  );
  return { gn, gradient };
}

async function hessianReport(nets: readonly Net[], dir: string): Promise<BenchReport> {
  const torch = await startTorch(TORCH, {
    dir,
    cases: nets.map((t) => ({ name: t.name, width: t.width, points: POINTS, theta: Array.from(t.theta) })),
  });
  const notes: string[] = [];
  const rows: BenchRow[] = [];
  const mismatches: string[] = [];
  try {
    let info:
      | {
          torch: string;
          threads: number;
          blas: string | null;
          cases: Record<string, { value: number; file: string }>;
        }
      | undefined;
    if (typeof torch === 'string') notes.push(`${torch}: no torch baseline`);
    else info = JSON.parse(torch.first);
    for (const t of nets) {
      const reps = t.n <= 200 ? 31 : 15;
      const ask = typeof torch === 'string' ? undefined : () => torch.ask(t.name).then(Number);
      // Three rounds of paired calls; the ratio quoted is the median of the rounds' ratios, so one
      // round disturbed by this shared machine's load does not decide it.
      const rounds: Array<{ ours: number; numpy: number }> = [];
      for (let k = 0; k < ROUNDS; k++) rounds.push(await paired(() => t.f.evaluate2(t.theta), reps, ask));
      const ours = median(rounds.map((r) => r.ours));
      const theirs = median(rounds.map((r) => r.numpy));
      const ratio = median(rounds.map((r) => r.ours / r.numpy));
      if (info)
        notes.push(
          `${t.name}: ours/torch by round ${rounds.map((r) => (r.ours / r.numpy).toFixed(3)).join(', ')}`,
        );
      const gnMs = timeMs(() => gaussNewton(t.theta, t.width), reps, 2);
      const base = gaussNewton(t.theta, t.width);
      const gradRel = maxRelDiff(t.gradient, base.gradient);
      if (!(gradRel < 1e-10))
        notes.push(`${t.name}: baseline Jacobian disagrees with our gradient (${gradRel})`);
      let agree = '-';
      if (info) {
        const c = info.cases[t.name];
        const bytes = readFileSync(c.file);
        const th = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
        const cmp = compare(t.hessian, th, t.n, t.width);
        const value = t.f.value(t.theta);
        agree = cmp.rel.toExponential(1);
        notes.push(
          `${t.name}: torch − ours, loss ${(c.value - value).toExponential(1)}; Hessian max|Δ|/max|H| ${cmp.rel.toExponential(2)} at ${cmp.where}`,
        );
        if (!(cmp.rel <= AGREE)) mismatches.push(`${t.name}: ${cmp.rel} at ${cmp.where}`);
      }
      rows.push({
        case: `mlp-regression ${t.name}`,
        n: t.n,
        'ours ms': ours,
        'torch ms': info ? theirs : '-',
        'ours/torch': info ? ratio : '-',
        target: '≤ 0.2',
        ok: info ? (ratio <= 0.2 ? 'yes' : 'NO') : '-',
        'GN ml-matrix ms': gnMs,
        'ours/GN': ours / gnMs,
        'torch agrees': agree,
      });
    }
    if (info)
      notes.unshift(
        `torch ${info.torch} (${PYTHON}), ${info.threads} thread(s)${info.threads === 1 ? '' : ' (NOT ONE)'}, float64, ` +
          'autograd.functional.hessian(vectorize=True), our θ; ours = evaluate2 (value, gradient and Hessian); ' +
          `medians of 15–31 calls, ours and torch alternating call by call, in ${ROUNDS} rounds (ratio: median over rounds)`,
        `torch BLAS_INFO=${info.blas}${info.blas === 'generic' ? ": Debian's build, its matmuls go to the reference netlib BLAS (no MKL/OpenBLAS here)" : ''}`,
      );
    notes.push(
      'GN ml-matrix: (2/N) JᵀJ only (J by per-point backprop, ml-matrix mmul) — the naive JS lower bound, see gaussNewton',
    );
  } finally {
    if (typeof torch !== 'string') torch.close();
  }
  if (mismatches.length > 0)
    throw new Error(
      `nets bench: torch's Hessian disagrees with ours (> ${AGREE}):\n  ${mismatches.join('\n  ')}`,
    );
  return {
    title: `nets: exact Hessian of the tanh MLP regression, N = ${POINTS} (ms, medians)`,
    rows,
    notes,
  };
}

/** The Newton step's linear algebra on our Hessians: (H + λI) s = g by LDLᵀ, and eig(H) with vectors. */
async function linalgReport(nets: readonly Net[], dir: string): Promise<BenchReport> {
  const shifted = nets.map((t) => {
    let scale = 0;
    for (const v of t.hessian) scale = Math.max(scale, Math.abs(v));
    const lambda = 1e-3 * scale;
    const a = Float64Array.from(t.hessian);
    for (let i = 0; i < t.n; i++) a[i * t.n + i] += lambda;
    return { a, lambda };
  });
  const cases: Case[] = nets.flatMap((t, k) => [
    { name: `H-${t.n}`, n: t.n, a: t.hessian, routines: ['eigh'] },
    { name: `A-${t.n}`, n: t.n, a: shifted[k].a, rhs: t.gradient, routines: ['solve'] },
  ]);
  // One BLAS thread each, without any core-type or cache-size overrides of ours. Debian's numpy
  // (the brief's) links the reference netlib BLAS/LAPACK (/usr/lib/x86_64-linux-gnu/blas), not
  // OpenBLAS; the pyenv numpy on PATH (linalg.bench.ts's) bundles OpenBLAS: both are measured.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const debian = await startNumpy(cases, dir, { python: PYTHON, env });
  const openblas = await startNumpy(cases, dir, { python: 'python3', env });
  const ref = typeof debian === 'string' ? undefined : debian;
  const ob = typeof openblas === 'string' ? undefined : openblas;
  const notes: string[] = [];
  const rows: BenchRow[] = [];
  try {
    notes.push(
      typeof debian === 'string'
        ? debian
        : `numpy ref: numpy ${debian.version} (${PYTHON}), reference netlib BLAS/LAPACK (Debian's alternative; no OpenBLAS there)`,
      typeof openblas === 'string'
        ? openblas
        : `numpy OpenBLAS: numpy ${openblas.version} (python3 on PATH, bundled OpenBLAS), OPENBLAS_NUM_THREADS=1`,
      'each median of 11–31 calls; ours, numpy ref and numpy OpenBLAS alternating call by call',
    );
    for (const [k, t] of nets.entries()) {
      const { n } = t;
      const { a } = shifted[k];
      const reps = n <= 200 ? 31 : 11;
      const label = `${t.name}${n === 500 ? '+1 Fourier' : ''}`;
      const { inertia } = ldlt(t.hessian, n);
      const resid = residual(a, n, ldlt(a, n).solve(t.gradient), t.gradient);
      const jobs: {
        what: string;
        ours: () => unknown;
        name: string;
        routine: 'solve' | 'eigh';
        ml: number;
        extra: Record<string, string>;
      }[] = [
        {
          what: 'ldlt+solve (H+λI)s=g',
          ours: () => ldlt(a, n).solve(t.gradient),
          name: `A-${n}`,
          routine: 'solve',
          ml: Number.NaN,
          extra: { 'solve resid': resid.toExponential(0) },
        },
        {
          what: 'eigSym vectors (H)',
          ours: () => eigSym(t.hessian, n, { vectors: true }),
          name: `H-${n}`,
          routine: 'eigh',
          // ml-matrix takes seconds at n ≈ 500: three calls at 140, one at 480, none at 500.
          ml: n <= 200 ? mlMatrixMs(t.hessian, n, 3) : n === 480 ? mlMatrixMs(t.hessian, n, 1) : Number.NaN,
          extra: { 'H inertia +/−/0': `${inertia.positive}/${inertia.negative}/${inertia.zero}` },
        },
      ];
      for (const job of jobs) {
        const obTimes: number[] = [];
        const theirs =
          ref || ob
            ? async () => {
                if (ob) obTimes.push(await ob.time(job.name, job.routine));
                return ref ? await ref.time(job.name, job.routine) : Number.NaN;
              }
            : undefined;
        const m = await paired(job.ours, reps, theirs);
        const obMs = ob ? median(obTimes) : Number.NaN;
        const has = (x: number) => !Number.isNaN(x);
        rows.push({
          case: `${label} ${job.what}`,
          n,
          'ours ms': m.ours,
          'numpy ref ms': has(m.numpy) ? m.numpy : '-',
          'ours/ref': has(m.numpy) ? m.ours / m.numpy : '-',
          'numpy OpenBLAS ms': has(obMs) ? obMs : '-',
          'ours/OpenBLAS': has(obMs) ? m.ours / obMs : '-',
          'ml-matrix ms': has(job.ml) ? job.ml : '-',
          'ml-matrix/ours': has(job.ml) ? job.ml / m.ours : '-',
          ...job.extra,
        });
      }
    }
  } finally {
    ref?.close();
    ob?.close();
  }
  notes.push(
    'λ = 1e-3·max|Hᵢⱼ|, g = our gradient; solve resid = ‖(H+λI)s − g‖∞ / (‖H+λI‖∞‖s‖∞); ratios ours/theirs (eig target ≤ 5, test/bench/linalg.bench.ts)',
    'n = 500: the width-20 regression with one Fourier feature (20·2 first-layer weights), to match linalg.bench.ts sizes',
  );
  return { title: "nets: the Newton step's linear algebra on these Hessians (ms, medians)", rows, notes };
}

/** ‖A s − b‖∞ / (‖A‖∞ ‖s‖∞): the backward error of a solve. */
function residual(a: Float64Array, n: number, s: Float64Array, b: Float64Array): number {
  let res = 0;
  let norm = 0;
  let sn = 0;
  for (let i = 0; i < n; i++) {
    let r = -b[i];
    let row = 0;
    for (let j = 0; j < n; j++) {
      r += a[i * n + j] * s[j];
      row += Math.abs(a[i * n + j]);
    }
    res = Math.max(res, Math.abs(r));
    norm = Math.max(norm, row);
    sn = Math.max(sn, Math.abs(s[i]));
  }
  return res / (norm * sn);
}

/**
 * One evaluate2 at ~2,000 parameters in a fresh `node --expose-gc` child: RSS and heap after the
 * objective is built (and a GC), then the peak RSS (getrusage ru_maxrss) and the heap and array
 * buffers right after the call, before any GC (allocation high-water marks, as near as Node shows).
 */
const MEMORY = `
const [problems, rng, spec] = process.argv.slice(1);
const { problemKind } = await import(problems);
const { Stream } = await import(rng);
const s = JSON.parse(spec);
const k = problemKind(s.kind);
const f = k.create(k.schema.parse(s), new Stream('problem', 'bench'));
const theta = f.initial(new Stream('init', 'bench'));
globalThis.gc();
const before = process.memoryUsage();
const t0 = performance.now();
const r = f.evaluate2(theta);
const ms = performance.now() - t0;
const after = process.memoryUsage();
console.log(JSON.stringify({
  n: f.dim, ms, hessian: r.hessian.length,
  rssBefore: before.rss, peakRss: process.resourceUsage().maxRSS * 1024,
  heapBefore: before.heapUsed, heapAfter: after.heapUsed,
  buffersBefore: before.arrayBuffers, buffersAfter: after.arrayBuffers,
}));
`;

function memoryReport(): BenchReport {
  const mb = (b: number) => b / 2 ** 20;
  const rows: BenchRow[] = [];
  for (const spec of [
    { kind: 'mlp-regression', width: 43, depth: 2 },
    { kind: 'pinn-1d', width: 43, depth: 2 },
  ]) {
    const m = memoryChild(
      'nets',
      MEMORY,
      ['../../shared/study/problem-spec.js', '../../shared/rng/stream.js'],
      spec,
    );
    const extra = m.peakRss - m.rssBefore;
    rows.push({
      case: `${spec.kind} w${spec.width} d${spec.depth}`,
      n: m.n,
      'evaluate2 ms': m.ms,
      'RSS before MB': mb(m.rssBefore),
      'peak RSS MB': mb(m.peakRss),
      'peak − before MB': mb(extra),
      'heap after MB': mb(m.heapAfter),
      'buffers after MB': mb(m.buffersAfter),
      'H alone MB': mb(m.hessian * 8),
      target: '< 256',
      ok: extra < 256 * 2 ** 20 ? 'yes' : 'NO',
    });
  }
  return {
    title: 'nets: memory of one evaluate2 at ~2,000 parameters (fresh child process)',
    rows,
    notes: [
      'peak RSS = ru_maxrss of the child; "peak − before" (what one evaluate2 adds, checked against the per-worker target)',
      'heap/buffers after = V8 heap used and ArrayBuffer bytes right after the call, before any GC',
    ],
  };
}

export async function bench(): Promise<BenchReport[]> {
  const nets = [regression(10), regression(20)];
  const n500 = { ...regression(20, { fourierFeatures: 1 }), name: 'w20' };
  if (n500.n !== 500) throw new Error(`nets bench: expected 500 parameters, got ${n500.n}`);
  const dir = mkdtempSync(join(tmpdir(), 'nets-bench-'));
  try {
    const hess = await hessianReport(nets, dir);
    const lin = await linalgReport([...nets, n500], dir);
    return [hess, lin, memoryReport()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
