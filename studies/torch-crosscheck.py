#!/usr/bin/python3
"""An independent implementation of exact damped Newton (paper Eq. 9) in PyTorch float64, run
from the project's own stored initial parameters, to say per seed whether status, iterations and
the trivial flag agree with saddlescope's run.

    /usr/bin/python3 studies/torch-crosscheck.py OUT_DIR [--limit N] [--cell KEY=VALUE ...]

OUT_DIR is a study's out dir (runs.arrow read through `node studies/runs-json.mjs`, after
`npm run build`). Runs of `mlp-regression` without Fourier features are checked (tanh or sin
activations, any width and depth); `--cell lambda=0.01 --cell biasInit=torch-default` keeps the
runs whose problem or optimizer parameters match. The Hessian is torch.autograd.functional.hessian
of the loss written here from the paper's definitions, not from saddlescope's code:
  u(x) = c · h_L(x),  h_l = act(W_l h_{l-1} + b_l),  L = mean_i (u(x_i) − f(x_i))²
with θ laid out as [W_1 (row-major), b_1, …, W_L, b_L, c] (the runs table's layout), the grid
uniform on the domain with both ends, and the same stop rule: ‖∇L‖ < gradTol before a step ⇒
converged; maxIter steps ⇒ max_iter; a non-finite value or |L| or |θ|∞ above `blowup` after a step
⇒ diverged; a singular H + λI ⇒ error.
"""

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import torch

torch.set_default_dtype(torch.float64)
HERE = Path(__file__).resolve().parent


def rows_of(out_dir):
    text = subprocess.run(
        ["node", str(HERE / "runs-json.mjs"), out_dir, "--problem", "mlp-regression"],
        check=True, capture_output=True, text=True,
    ).stdout
    return [json.loads(line) for line in text.splitlines() if line]


def target_fn(t):
    if t["kind"] == "sin":
        return lambda x: torch.sin(t["k"] * math.pi * x)
    if t["kind"] == "sines":
        return lambda x: sum(torch.sin(k * math.pi * x) for k in t["k"])
    return lambda x: sum(a * x**j for j, a in enumerate(t["coefficients"]))


def make_loss(p):
    """The loss of θ and u(θ) on the grid, from the problem's parameters."""
    a, b = p["domain"]
    n = p["points"]
    x = torch.linspace(a, b, n).reshape(n, 1)
    f = target_fn(p["target"])(x[:, 0])
    omega = p["omega"]
    act = torch.tanh if p["activation"] == "tanh" else (lambda z: torch.sin(omega * z))
    widths = [p["width"]] * p["depth"]

    def u_of(theta):
        h = x
        off = 0
        fan_in = 1
        for w in widths:
            W = theta[off:off + w * fan_in].reshape(w, fan_in)
            off += w * fan_in
            bias = theta[off:off + w]
            off += w
            h = act(h @ W.T + bias)
            fan_in = w
        return h @ theta[off:off + fan_in]

    def loss(theta):
        return torch.mean((u_of(theta) - f) ** 2)

    return loss, u_of, f


def newton(loss, theta0, alpha, lam, stop):
    """Returns (status, iterations, θ) with the project's stop rule."""
    theta = theta0.clone()
    n = theta.numel()
    eye = torch.eye(n)
    for k in range(stop["maxIter"] + 1):
        t = theta.clone().requires_grad_(True)
        g = torch.autograd.grad(loss(t), t)[0]
        if torch.linalg.vector_norm(g) < stop["gradTol"]:
            return "converged", k, theta
        if k >= stop["maxIter"]:
            return "max_iter", k, theta
        H = torch.autograd.functional.hessian(loss, theta, vectorize=True)
        try:
            d = torch.linalg.solve(H + lam * eye, g)
        except RuntimeError:
            return "error", k, theta
        nxt = theta - alpha * d
        value = loss(nxt).item()
        if (not math.isfinite(value) or not torch.isfinite(nxt).all()
                or abs(value) > stop["blowup"] or nxt.abs().max().item() > stop["blowup"]):
            return "diverged", k + 1, theta
        theta = nxt
    raise AssertionError("unreachable")


def matches(row, cells):
    params = {**json.loads(row["problem_params"]), **json.loads(row["optimizer_params"])}
    for key, want in cells:
        have = params.get(key)
        if have is None:
            return False
        if isinstance(have, (int, float)) and not isinstance(have, bool):
            if float(want) != float(have):
                return False
        elif str(have) != want:
            return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--limit", type=int, default=20, help="runs to check (lowest seeds first)")
    ap.add_argument("--cell", action="append", default=[], help="KEY=VALUE of problem or optimizer params")
    ap.add_argument("--perturb", type=float, default=0.0,
                    help="also run torch from θ0·(1 + ε·ξ), ξ ~ N(0, 1) seeded by the run's seed, and say "
                         "whether torch's own outcome moves (how sensitive the trajectory is)")
    a = ap.parse_args()
    cells = [c.split("=", 1) for c in a.cell]
    rows = [r for r in rows_of(a.out_dir)
            if r["optimizer"] == "newton" and r["initial_params"] is not None
            and json.loads(r["problem_params"]).get("fourierFeatures", 0) == 0 and matches(r, cells)]
    rows.sort(key=lambda r: (r["problem_params"], r["optimizer_params"], r["seed"]))
    rows = rows[:a.limit]
    if not rows:
        sys.exit("no Newton runs of mlp-regression without Fourier features match")
    print(f"torch {torch.__version__}, float64; {len(rows)} runs of {a.out_dir}")
    extra = f" | torch from θ0·(1 + {a.perturb:g}ξ)" if a.perturb else ""
    print(f"seed | biasInit | λ | α | saddlescope status/iter/trivial | torch status/iter/trivial | agree{extra}")
    agree = {"status": 0, "iterations": 0, "trivial": 0, "all": 0, "moved": 0}
    for r in rows:
        task = json.loads(r["task"])
        p, o, stop = task["problem"], task["optimizer"], task["stop"]
        tol = task["record"]["trivialTol"]
        loss, u_of, f = make_loss(p)
        status, iters, theta = newton(loss, torch.tensor(r["initial_params"]), o["alpha"], o["lambda"], stop)
        with torch.no_grad():
            ratio = (torch.linalg.vector_norm(u_of(theta)) / torch.linalg.vector_norm(f)).item()
        trivial = ratio < tol
        mine = (r["status"], r["iterations"], bool(r["trivial"]))
        theirs = (status, iters, trivial)
        same = [mine[0] == theirs[0], mine[1] == theirs[1], mine[2] == theirs[2]]
        for key, s in zip(["status", "iterations", "trivial"], same):
            agree[key] += s
        agree["all"] += all(same)
        moved = ""
        if a.perturb:
            gen = torch.Generator().manual_seed(r["seed"])
            theta0 = torch.tensor(r["initial_params"])
            theta0 = theta0 * (1 + a.perturb * torch.randn(theta0.shape, generator=gen))
            s2, i2, t2 = newton(loss, theta0, o["alpha"], o["lambda"], stop)
            with torch.no_grad():
                tr2 = (torch.linalg.vector_norm(u_of(t2)) / torch.linalg.vector_norm(f)).item() < tol
            agree["moved"] += (s2, i2, tr2) != theirs
            moved = f" | {s2}/{i2}/{tr2}"
        verdict = "yes" if all(same) else "NO (" + ", ".join(
            k for k, s in zip(["status", "iterations", "trivial"], same) if not s) + ")"
        print(f"{r['seed']} | {p.get('biasInit', '(scheme)')} | {o['lambda']:g} | {o['alpha']:g} | "
              f"{mine[0]}/{mine[1]}/{mine[2]} | {status}/{iters}/{trivial} | {verdict}{moved}")
    n = len(rows)
    print(f"agree: status {agree['status']}/{n}, iterations {agree['iterations']}/{n}, "
          f"trivial flag {agree['trivial']}/{n}, all three {agree['all']}/{n}")
    if a.perturb:
        print(f"torch's own outcome moved under the {a.perturb:g} perturbation in {agree['moved']}/{n} runs")


if __name__ == "__main__":
    main()
