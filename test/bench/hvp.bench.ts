/**
 * Exact Hessian-vector products (shared/nets/hessian-vector.ts) of the tanh MLP regression (two
 * hidden layers, N = 100, f = sin(2πx)) at n = 480, ≈10⁴ and ≈10⁵ parameters, one thread, against
 * PyTorch float64 in the same run on the same θ and v: `torch.autograd.functional.hvp`, functorch's
 * `jvp(grad(loss))` (torch.func's; Debian's torch 1.13 ships it as functorch) and a double backward
 * through a retained graph (PyHessian's way, the cheapest torch has for repeated products). The
 * products must agree (or the bench fails). Then the cost of a krylov Newton step at widths
 * 50–300 (products × time a product), and the peak RSS of one such step at n ≈ 10⁵ in a child.
 * Targets (issue 18): ≥ 5× faster than torch per product; < 1 GB for the step.
 *
 * Times are CPU time (process.cpuUsage; Python's time.process_time) of single-threaded work, which
 * this shared machine's load (load average 20–30 on 2 cores while agents build) leaves
 * meaningful where wall time is not; wall medians are printed beside them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minres } from '../../shared/linalg/minres.js';
import { shifted } from '../../shared/linalg/operator.js';
import type { NetworkObjective } from '../../shared/problems/network.js';
import { Stream } from '../../shared/rng/stream.js';
import { type BenchReport, type BenchRow, median } from './harness.js';
import { memoryChild, POINTS, PYTHON, regressionAt, startTorch, TORCH_MLP_LOSS } from './torch-mlp.js';

const ROUNDS = 3;
/** Torch's Hv must equal ours to this normwise relative difference. */
const AGREE = 1e-10;

interface Net {
  readonly name: string;
  readonly width: number;
  readonly f: NetworkObjective;
  readonly theta: Float64Array;
  readonly v: Float64Array;
}

function regression(width: number): Net {
  const { f, theta } = regressionAt(width, 'hvp-bench');
  const v = new Stream('v', 'hvp-bench').fillNormal(new Float64Array(f.dim));
  return { name: `w${width}`, width, f, theta, v };
}

/**
 * CPU and wall milliseconds a call, over `batch` calls in a row: a sample of sub-millisecond calls
 * one at a time is mostly clock granularity and the cost of reading it.
 */
function measure(fn: () => unknown, batch = 1): { cpu: number; wall: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < batch; b++) fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000 / batch, wall: wall / batch };
}

/** Calls a sample of ~20 ms holds, from one timed call (1 to 200). */
function batchFor(ms: number): number {
  return Math.max(1, Math.min(200, Math.round(20 / Math.max(ms, 1e-3))));
}
const batchOf = (fn: () => unknown) => batchFor(measure(fn).wall);

/**
 * Torch server: first line {dir, cases: [{name, width, theta, v}]}, θ sliced in our layout
 * [W₁ (w×1), b₁, W₂ (w×w, [out][in]), b₂, c]. Writes each method's Hv to dir/name.method.f64,
 * prints {torch, functorch, threads, libs (BLAS/LAPACK libraries in /proc/self/maps)}, then
 * answers "name batch method" with [cpu ms, wall ms] a product, over `batch` products in a row.
 */
const TORCH = `
import json, sys, time
import numpy
import torch
import torch.nn.functional as F
torch.set_num_threads(1)
try:
    from torch.func import jvp, grad
    func = "torch.func"
except ImportError:
    try:
        from functorch import jvp, grad
        func = "functorch"
    except ImportError:
        jvp = grad = None
        func = None
spec = json.loads(sys.stdin.readline())
${TORCH_MLP_LOSS}
methods = {}
for c in spec["cases"]:
    w = c["width"]
    theta = torch.tensor(c["theta"], dtype=torch.float64)
    v = torch.tensor(c["v"], dtype=torch.float64)
    loss = make(w, ${POINTS})
    th = theta.clone().requires_grad_(True)
    g = torch.autograd.grad(loss(th), th, create_graph=True)[0]
    m = {
        "autograd.functional.hvp": lambda loss=loss, theta=theta, v=v: torch.autograd.functional.hvp(loss, theta, v)[1],
        "retained graph": lambda g=g, th=th, v=v: torch.autograd.grad(g, th, v, retain_graph=True)[0],
    }
    if jvp is not None:
        m[func + " jvp(grad)"] = lambda loss=loss, theta=theta, v=v: jvp(grad(loss), (theta,), (v,))[1]
    for k, fn in m.items():
        fn().detach().numpy().astype("<f8").tofile(spec["dir"] + "/" + c["name"] + "." + k.replace(" ", "_") + ".f64")
    methods[c["name"]] = m
a = numpy.ones((64, 64)); a @ a
libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() or "lapack" in l.lower()})
print(json.dumps({"torch": torch.__version__, "func": func, "numpy": numpy.__version__, "threads": torch.get_num_threads(), "libs": libs, "methods": list(m.keys())}), flush=True)
for line in sys.stdin:
    name, batch, method = line.strip().split(" ", 2)
    fn, batch = methods[name][method], int(batch)
    c0 = time.process_time(); t0 = time.perf_counter()
    for _ in range(batch): fn()
    t = time.perf_counter() - t0; c = time.process_time() - c0
    print(json.dumps([c * 1e3 / batch, t * 1e3 / batch]), flush=True)
`;

function relDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}

async function productReport(nets: readonly Net[], dir: string): Promise<BenchReport> {
  const torch = await startTorch(TORCH, {
    dir,
    cases: nets.map((t) => ({
      name: t.name,
      width: t.width,
      theta: Array.from(t.theta),
      v: Array.from(t.v),
    })),
  });
  if (typeof torch === 'string') throw new Error(`hvp bench: ${torch}`);
  const info = JSON.parse(torch.first) as {
    torch: string;
    func: string | null;
    numpy: string;
    threads: number;
    libs: string[];
    methods: string[];
  };
  const notes = [
    `torch ${info.torch} (${PYTHON}), ${info.threads} thread(s)${info.threads === 1 ? '' : ' (NOT ONE)'}, float64; ` +
      `jvp(grad) from ${info.func ?? 'nowhere (neither torch.func nor functorch)'}; numpy ${info.numpy} in the same process`,
    `BLAS/LAPACK mapped into the torch process: ${info.libs.join(', ') || 'none found'}`,
    'ours: Hv = one apply() of f.linearize(θ) (the primal passes kept, as a Krylov solve reuses them); ' +
      '"ours 1st" adds the linearization (a product from scratch, what autograd.functional.hvp does)',
    'Hv/gradient: a product against one linearization (value and gradient by the same GEMM passes; the cost rule of the issue: ≤ 4); ' +
      "evaluate() ms: the objective's older per-point gradient, which the krylov path no longer calls",
    `CPU ms a product (medians of paired samples of ~20 ms of products each, ours and torch alternating) in ${ROUNDS} rounds; ratio = median over rounds`,
  ];
  const rows: BenchRow[] = [];
  const mismatches: string[] = [];
  try {
    for (const t of nets) {
      const n = t.f.dim;
      const reps = n <= 1000 ? 15 : n <= 20000 ? 9 : 5;
      const lin = t.f.linearize(t.theta);
      const out = new Float64Array(n);
      const hv = Float64Array.from(lin.hessian.apply(t.v, out));
      // Warm up first: CPU time is the process's, V8's background compiler and GC threads included.
      for (let i = 0; i < 5; i++) t.f.linearize(t.theta).hessian.apply(t.v, out);
      for (let i = 0; i < 3; i++) t.f.evaluate(t.theta);
      const ev = () => t.f.evaluate(t.theta);
      const evaluateMs = median(Array.from({ length: 5 }, () => measure(ev, batchOf(ev)).cpu));
      const li = () => t.f.linearize(t.theta);
      const grad = median(Array.from({ length: reps }, () => measure(li, batchOf(li)).cpu));
      const fresh = () => t.f.linearize(t.theta).hessian.apply(t.v, out);
      const first = median(Array.from({ length: reps }, () => measure(fresh, batchOf(fresh)).cpu));
      const hvp = () => lin.hessian.apply(t.v, out);
      const batch = batchOf(hvp);
      for (const method of info.methods) {
        const bytes = readFileSync(join(dir, `${t.name}.${method.replace(/ /g, '_')}.f64`));
        const ref = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
        const agree = relDiff(hv, ref);
        if (!(agree <= AGREE)) mismatches.push(`${t.name} ${method}: ${agree}`);
        // Torch's batch from one timed product of its own, so both samples last ~20 ms.
        const one = JSON.parse(await torch.ask(`${t.name} 1 ${method}`)) as number[];
        const theirBatch = batchFor(one[1]);
        const rounds: Array<{ ours: number; theirs: number; oursWall: number; theirsWall: number }> = [];
        for (let r = 0; r < ROUNDS; r++) {
          for (let i = 0; i < 2; i++) lin.hessian.apply(t.v, out);
          await torch.ask(`${t.name} 1 ${method}`);
          const ours: Array<{ cpu: number; wall: number }> = [];
          const theirs: number[][] = [];
          for (let i = 0; i < reps; i++) {
            ours.push(measure(hvp, batch));
            theirs.push(JSON.parse(await torch.ask(`${t.name} ${theirBatch} ${method}`)) as number[]);
          }
          rounds.push({
            ours: median(ours.map((o) => o.cpu)),
            theirs: median(theirs.map((o) => o[0])),
            oursWall: median(ours.map((o) => o.wall)),
            theirsWall: median(theirs.map((o) => o[1])),
          });
        }
        const ratio = median(rounds.map((r) => r.theirs / r.ours));
        rows.push({
          case: `${t.name} ${method}`,
          n,
          'ours ms': median(rounds.map((r) => r.ours)),
          'ours 1st ms': first,
          'torch ms': median(rounds.map((r) => r.theirs)),
          'torch/ours': ratio,
          'torch/ours 1st': median(rounds.map((r) => r.theirs)) / first,
          target: '≥ 5',
          ok: ratio >= 5 ? 'yes' : 'NO',
          'Hv/gradient': median(rounds.map((r) => r.ours)) / grad,
          'evaluate() ms': evaluateMs,
          'wall ours': median(rounds.map((r) => r.oursWall)),
          'wall torch': median(rounds.map((r) => r.theirsWall)),
          agree: agree.toExponential(1),
        });
        notes.push(
          `${t.name} ${method}: torch/ours by round ${rounds.map((r) => (r.theirs / r.ours).toFixed(2)).join(', ')}`,
        );
      }
    }
  } finally {
    torch.close();
  }
  if (mismatches.length > 0)
    throw new Error(`hvp bench: torch's Hv disagrees with ours:\n  ${mismatches.join('\n  ')}`);
  return {
    title: `hvp: exact Hessian-vector products, tanh MLP regression, N = ${POINTS} (CPU ms, medians)`,
    rows,
    notes,
  };
}

/**
 * One krylov Newton step's linear algebra at widths 50–300 from the initial point: MINRES on
 * (H + λI) d = g (λ = 1e-3, rtol 1e-10) with its products counted, capped so that the bench ends:
 * the step's cost is products × (time a product) + one linearization.
 */
function stepReport(): BenchReport {
  const rows: BenchRow[] = [];
  for (const [width, cap] of [
    [50, 5000],
    [100, 2000],
    [200, 400],
    [300, 150],
  ] as const) {
    const t = regression(width);
    const n = t.f.dim;
    const out = new Float64Array(n);
    let lin = t.f.linearize(t.theta);
    const linMs = median([0, 1, 2].map(() => measure(() => (lin = t.f.linearize(t.theta))).cpu));
    const hvMs = median([0, 1, 2, 3, 4].map(() => measure(() => lin.hessian.apply(t.v, out)).cpu));
    let r: ReturnType<typeof minres> | undefined;
    const solveMs = measure(
      () => (r = minres(shifted(lin.hessian, 1e-3), lin.gradient, { rtol: 1e-10, maxIter: cap })),
    ).cpu;
    rows.push({
      case: `w${width}`,
      n,
      'Hv ms': hvMs,
      products: r!.iterations,
      cap,
      'residual reached': r!.relResidual.toExponential(1),
      status: r!.status,
      'step ms': linMs + solveMs,
      'products × Hv ms': r!.iterations * hvMs,
    });
  }
  return {
    title: 'hvp: one krylov Newton step (MINRES, λ = 1e-3, rtol 1e-10) from the initial point (CPU ms)',
    rows,
    notes: [
      'step ms = linearization + MINRES (its products and vector updates), measured once; "cap" bounds the products so the bench ends (status says whether rtol was reached first)',
      'Hv ms: median of 5 products, separately; on a loaded machine it and the step time need not multiply out exactly',
    ],
  };
}

/** One krylov Newton step (default settings but a capped MINRES) at n ≈ 10⁵ in a fresh child: peak RSS. */
const MEMORY = `
const [problems, rng, optimizers, spec] = process.argv.slice(1);
const { problemKind } = await import(problems);
const { Stream } = await import(rng);
const { makeOptimizer } = await import(optimizers);
const s = JSON.parse(spec);
const k = problemKind(s.kind);
const f = k.create(k.schema.parse(s), new Stream('problem', 'bench'));
const x0 = f.initial(new Stream('init', 'bench'));
globalThis.gc();
const before = process.memoryUsage().rss;
const opt = makeOptimizer({ kind: 'newton', alpha: 0.5, lambda: 1e-3, solver: 'krylov', rtol: 1e-10, maxKrylov: 50 });
const t0 = performance.now();
const st = opt.step(f, opt.init(f, x0));
console.log(JSON.stringify({ n: f.dim, ms: performance.now() - t0, products: st.krylov.iterations, before, peak: process.resourceUsage().maxRSS * 1024 }));
`;

function memoryReport(): BenchReport {
  const mb = (b: number) => b / 2 ** 20;
  const rows: BenchRow[] = [];
  for (const spec of [
    { kind: 'mlp-regression', width: 314, points: POINTS },
    { kind: 'pinn-1d', width: 314, points: POINTS },
  ]) {
    const m = memoryChild(
      'hvp',
      MEMORY,
      ['../../shared/study/problem-spec.js', '../../shared/rng/stream.js', '../../shared/optimizers/mod.js'],
      spec,
    );
    rows.push({
      case: `${spec.kind} w${spec.width}`,
      n: m.n,
      products: m.products,
      'step wall ms': m.ms,
      'RSS before MB': mb(m.before),
      'peak RSS MB': mb(m.peak),
      'dense H would be MB': mb(m.n * m.n * 8),
      target: '< 1024',
      ok: m.peak < 2 ** 30 ? 'yes' : 'NO',
    });
  }
  return {
    title: 'hvp: memory of one krylov Newton step at n ≈ 10⁵ (fresh child process)',
    rows,
    notes: [
      'peak RSS = ru_maxrss of the child (Node itself included); MINRES capped at 50 products (its memory does not grow with them)',
    ],
  };
}

export async function bench(): Promise<BenchReport[]> {
  const nets = [regression(20), regression(98), regression(314)];
  const dir = mkdtempSync(join(tmpdir(), 'hvp-bench-'));
  try {
    const products = await productReport(nets, dir);
    return [products, stepReport(), memoryReport()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
