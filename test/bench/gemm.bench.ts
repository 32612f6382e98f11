import { spawnSync } from 'node:child_process';
import { matmul } from '../../shared/linalg/gemm.js';
import { type BenchReport, type BenchRow, PY_BLAS, timeMs } from './harness.js';
import { PYTHON } from './torch-mlp.js';

/**
 * The GEMMs of a Hessian-vector product (hessian-vector.ts): an N × w block of points times a
 * w × w weight matrix, N = 100 points, at the widths of n ≈ 10⁴ and 10⁵ parameters. Above about
 * 10⁴ parameters both our product and torch's are made of these GEMMs (six a layer for either),
 * so the speed-up over torch that the hvp bench can show is bounded by the ratio of the two GEMM
 * rates printed here. Ours: the WebAssembly SIMD kernel (f64x2); torch and numpy: the BLAS they
 * load, one thread, float64.
 */

const SHAPES = [
  { m: 100, w: 100 },
  { m: 100, w: 314 },
  { m: 1000, w: 314 },
] as const;

const PY = `
import sys, json, time, os
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import numpy as np, torch
torch.set_num_threads(1)
${PY_BLAS}out = []
for m, w in json.loads(sys.argv[1]):
    row = {}
    for lib in ('numpy', 'torch'):
        if lib == 'numpy':
            a, b = np.random.rand(m, w), np.random.rand(w, w)
            f = lambda: a @ b
        else:
            a, b = torch.rand(m, w, dtype=torch.float64), torch.rand(w, w, dtype=torch.float64)
            f = lambda: a @ b
        reps = max(3, int(2e8 / (2 * m * w * w)))
        for _ in range(3): f()
        best = []
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(reps): f()
            best.append((time.perf_counter() - t) / reps)
        row[lib] = 2 * m * w * w / sorted(best)[2] / 1e9
    out.append(row)
print(json.dumps({'rates': out, 'blas': blas(), 'torch': torch.__version__, 'numpy': np.__version__}))
`;

export async function bench(): Promise<BenchReport> {
  const shapes = SHAPES.map((s) => [s.m, s.w]);
  const py = spawnSync(PYTHON, ['-c', PY, JSON.stringify(shapes)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (py.status !== 0) throw new Error(`gemm bench: python failed: ${py.stderr}`);
  const peer = JSON.parse(py.stdout) as {
    rates: { numpy: number; torch: number }[];
    blas: string;
    torch: string;
    numpy: string;
  };
  const rows: BenchRow[] = SHAPES.map(({ m, w }, i) => {
    const a = Float64Array.from({ length: m * w }, (_, k) => Math.sin(k));
    const b = Float64Array.from({ length: w * w }, (_, k) => Math.cos(k));
    const c = new Float64Array(m * w);
    const reps = Math.max(3, Math.floor(2e8 / (2 * m * w * w)));
    const ms = timeMs(() => {
      for (let r = 0; r < reps; r++) matmul(m, w, w, a, b, c);
    }, 5);
    const ours = (2 * m * w * w) / ((ms / reps) * 1e6);
    return {
      case: `(${m} × ${w}) · (${w} × ${w})`,
      'ours GFlop/s': ours,
      'torch GFlop/s': peer.rates[i].torch,
      'numpy GFlop/s': peer.rates[i].numpy,
      'ours ÷ torch': ours / peer.rates[i].torch,
    };
  });
  return {
    title: 'GEMM at the shapes of a Hessian-vector product, float64, one thread',
    rows,
    notes: [
      `torch ${peer.torch}, numpy ${peer.numpy}; BLAS libraries mapped by their process: ${peer.blas}`,
      'A product of ours and one of torch run the same GEMMs above n ≈ 10⁴, so "ours ÷ torch" bounds the hvp speed-up there',
    ],
  };
}
