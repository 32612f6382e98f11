#!/usr/bin/env bash
# shellcheck disable=SC2016  # the mount-namespace script is single-quoted on purpose
# deploy/sim/image-rehearsal.sh — the CPU image's build and runtime, rehearsed without a Docker
# engine (none runs on our development machines). It repeats deploy/Dockerfile's stages in a
# temporary dir with this machine's Node and npm, then runs the result the way the pod does:
#
#   build      npm ci (dev deps) + tsc on the sources the Dockerfile copies (no tests)
#   prod-deps  npm ci --omit=dev --ignore-scripts
#   runtime    /app = package.json + production node_modules + dist + studies, owned by root;
#              `saddlescope run` a small study as uid 10001 with the root filesystem remounted
#              read-only in a private mount namespace (only the results dir writable), and
#              `saddlescope --help` to show the entrypoint resolves.
#
# What it does not show: the base image (node:22 bookworm-slim) itself, the Dockerfile syntax as
# BuildKit reads it, the image's size, or the GPU image (it needs libtensorflow's download).
# Needs root (for unshare/mount/setpriv) and the npm registry. Takes about a minute.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
R=$(mktemp -d "${TMPDIR:-/tmp}/saddlescope-image.XXXXXX")
chmod 755 "$R"  # mktemp makes it 0700: the app user must traverse it
trap 'rm -rf "$R"' EXIT
log() { printf '[image] %s\n' "$*" >&2; }
[[ $(id -u) == 0 ]] || { echo "image-rehearsal.sh: needs root (mount namespace, setpriv)" >&2; exit 1; }

npm_ci() { # npm ci with the given flags; if the lockfile is out of sync, say so and install instead
  if ! npm ci "$@" --no-audit --no-fund >"$R/npm.log" 2>&1; then
    if grep -q 'EUSAGE' "$R/npm.log"; then
      log "WARNING: npm ci refuses package-lock.json (out of sync with package.json):"
      grep -m3 -E 'Missing|Invalid' "$R/npm.log" >&2 || true
      log "WARNING: docker build would fail at this step; continuing with npm install to rehearse the rest"
      npm install "$@" --no-audit --no-fund >"$R/npm.log" 2>&1 || { cat "$R/npm.log" >&2; exit 1; }
    else
      cat "$R/npm.log" >&2; exit 1
    fi
  fi
}

log "build stage: npm ci + tsc"
mkdir -p "$R/build" "$R/prod" "$R/app" "$R/results"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$ROOT/tsconfig.json" "$R/build/"
cp -r "$ROOT/shared" "$ROOT/worker" "$ROOT/coordinator" "$R/build/"
(cd "$R/build" && npm_ci --ignore-scripts && ./node_modules/.bin/tsc -p tsconfig.json)

log "prod-deps stage: npm ci --omit=dev --ignore-scripts"
cp "$ROOT/package.json" "$R/build/package-lock.json" "$R/prod/"
(cd "$R/prod" && npm_ci --omit=dev --ignore-scripts)
log "production node_modules: $(du -sh "$R/prod/node_modules" | cut -f1)"

log "runtime stage: /app owned by root, results owned by 10001"
cp "$ROOT/package.json" "$R/app/"
cp -r "$R/prod/node_modules" "$R/build/dist" "$ROOT/studies" "$R/app/"
chown -R root:root "$R/app" && chmod -R go-w "$R/app"
chown 10001:10001 "$R/results"

log "run as uid 10001 on a read-only root filesystem"
unshare --mount --propagation private bash -euo pipefail -c '
  R=$1
  mount --bind "$R/results" "$R/results"
  mount -o remount,ro,bind /
  mount -o remount,rw,bind "$R/results"
  if touch /.saddlescope-ro-probe 2>/dev/null; then echo "root is writable: rehearsal invalid" >&2; exit 1; fi
  cd "$R/results"
  as_app() { setpriv --reuid=10001 --regid=10001 --clear-groups env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent NODE_ENV=production "$@"; }
  as_app node "$R/app/dist/coordinator/cli.js" --help >/dev/null
  as_app node "$R/app/dist/coordinator/cli.js" run "$R/app/studies/circle.yaml" --seeds 5 --threads 1 --out "$R/results/out/circle"
  as_app node "$R/app/dist/coordinator/cli.js" summary "$R/results/out/circle" >/dev/null
  if as_app touch "$R/app/.probe" 2>/dev/null; then echo "/app is writable by the app user" >&2; exit 1; fi
' rehearsal "$R"
log "ok: built, installed without dev dependencies, ran as uid 10001 with a read-only root"
