/**
 * What hvp.bench.ts and nets.bench.ts share: the tanh MLP regression's loss written for PyTorch
 * (our θ layout), the single-threaded torch line server that runs it, and the fresh `node
 * --expose-gc` child in which a bench measures one call's memory.
 */
import { spawnSync } from 'node:child_process';
import type { NetworkObjective } from '../../shared/problems/network.js';
import { Stream } from '../../shared/rng/stream.js';
import { problemKind } from '../../shared/study/problem-spec.js';
import { type LineServer, startLineServer } from './linalg.bench.js';

/** Grid points N of the benches' MLP regression (paper §3). */
export const POINTS = 100;

/**
 * The tanh MLP regression of `width` at N = {@link POINTS} (and the `extra` spec fields) and its
 * initial θ, from the streams ('problem', key) and ('init', key).
 */
export function regressionAt(
  width: number,
  key: string,
  extra: Record<string, unknown> = {},
): { f: NetworkObjective; theta: Float64Array } {
  const k = problemKind('mlp-regression');
  const f = k.create(
    k.schema.parse({ kind: 'mlp-regression', width, points: POINTS, ...extra }),
    new Stream('problem', key),
  ) as NetworkObjective;
  return { f, theta: f.initial(new Stream('init', key)) };
}

/** Debian's python, which has torch (the pyenv `python3` on PATH does not). */
export const PYTHON = '/usr/bin/python3';

/**
 * Python: `make(w, N)`, the mean squared error of the two-hidden-layer tanh MLP on N grid points of
 * [−1, 1] against sin(2πx), as a function of the flat θ sliced in our layout [W₁ (w×1), b₁, W₂
 * (w×w, [out][in] as torch stores it), b₂, c] into the weights of Linear(1,w) tanh Linear(w,w) tanh
 * Linear(w,1,bias=False) (the functional form of that Sequential, so that derivatives are over θ).
 */
export const TORCH_MLP_LOSS = `def make(w, N):
    x = torch.linspace(-1, 1, N, dtype=torch.float64).reshape(N, 1)
    f = torch.sin(2 * torch.pi * x[:, 0])
    def loss(t):
        o = 0
        W1 = t[o:o + w].view(w, 1); o += w
        b1 = t[o:o + w]; o += w
        W2 = t[o:o + w * w].view(w, w); o += w * w
        b2 = t[o:o + w]; o += w
        c = t[o:o + w].view(1, w)
        h = torch.tanh(F.linear(x, W1, b1))
        h = torch.tanh(F.linear(h, W2, b2))
        u = F.linear(h, c)[:, 0]
        return torch.mean((u - f) ** 2)
    return loss`;

/** Runs a torch server script with {@link PYTHON}, one thread (OMP, MKL, OpenBLAS), spec its first line. */
export function startTorch(code: string, spec: unknown): Promise<LineServer | string> {
  return startLineServer(
    PYTHON,
    code,
    [],
    { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    JSON.stringify(spec),
  );
}

/**
 * Runs `script` (an ES module) in a fresh `node --expose-gc` child with the URLs of `modules`
 * (paths relative to this file) and the JSON of `spec` as its arguments; returns the JSON line it
 * prints, or throws naming `bench`.
 */
export function memoryChild(
  bench: string,
  script: string,
  modules: readonly string[],
  spec: unknown,
): Record<string, number> {
  const url = (p: string) => new URL(p, import.meta.url).href;
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--input-type=module', '-e', script, ...modules.map(url), JSON.stringify(spec)],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`${bench} bench: memory child failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as Record<string, number>;
}
