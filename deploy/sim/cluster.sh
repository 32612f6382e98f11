#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2317  # literal $G and "$@" in sh -c; finish() runs from the EXIT trap
# deploy/sim/cluster.sh — a saddlescope cluster on one machine: NATS with JetStream (started from
# deploy/k8s/base/nats.conf, its two users and their permissions), several worker processes as separate nodes, and
# a coordinator that runs a study across them, then a graceful drain of every worker.
#
# Nodes are Linux network namespaces joined by a bridge (one per node, 10.231.7.0/24, no route
# out of it) where this runs as root with `ip netns`; otherwise processes on 127.0.0.1.
#
#   deploy/sim/cluster.sh [options] STUDY.yaml
#     --workers N        worker nodes (default 3)
#     --threads N        pool threads per worker (default 1)
#     --out DIR          the study's out dir (default: a temporary dir, removed unless --keep)
#     --netns MODE       auto (default) | on | off
#     --drain SECONDS    DRAIN_TIMEOUT_SECONDS of the workers (default 20)
#     --drain-one-after S  SIGTERM worker-1 S seconds into the run (a scale-down mid-study)
#     --report FILE      write a JSON report: mode, nodes, readiness, KEDA's view of the queue,
#                        connections per node, each worker's exit after SIGTERM, the run's exit,
#                        permission violations during the run and whether a task published with
#                        a worker's credentials was refused
#     --keep             keep the temporary dir (logs) and print where it is
#
# Needs: `npm run build` (dist/), nats-server on PATH (Debian: apt-get install nats-server).
# Env: SADDLESCOPE_CLI (default dist/coordinator/cli.js), NATS_SERVER (default nats-server).
# Exit status: the coordinator's, or 1 if the cluster could not start or a worker failed to drain.
set -euo pipefail

WORKERS=3 THREADS=1 OUT='' NETNS=auto DRAIN=20 REPORT='' KEEP=0 SPEC='' DRAIN_ONE_AFTER=''
while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) WORKERS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --netns) NETNS=$2; shift 2 ;;
    --drain) DRAIN=$2; shift 2 ;;
    --drain-one-after) DRAIN_ONE_AFTER=$2; shift 2 ;;
    --report) REPORT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "cluster.sh: unknown option $1" >&2; exit 2 ;;
    *) SPEC=$1; shift ;;
  esac
done
[[ -n $SPEC ]] || { echo "usage: deploy/sim/cluster.sh [options] STUDY.yaml (--help)" >&2; exit 2; }
[[ $WORKERS =~ ^[1-9][0-9]?$ ]] || { echo "cluster.sh: --workers 1..99" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLI=${SADDLESCOPE_CLI:-$ROOT/dist/coordinator/cli.js}
NATS_SERVER=${NATS_SERVER:-nats-server}
PROBE="$ROOT/deploy/sim/probe.mjs"
NODE=$(command -v node)
SPEC=$(cd "$(dirname "$SPEC")" && pwd)/$(basename "$SPEC")
[[ -f $CLI ]] || { echo "cluster.sh: $CLI missing: run npm run build" >&2; exit 1; }
[[ -f $SPEC ]] || { echo "cluster.sh: no study spec $SPEC" >&2; exit 2; }
command -v "$NATS_SERVER" >/dev/null || { echo "cluster.sh: $NATS_SERVER not found (apt-get install nats-server)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/saddlescope-sim.XXXXXX")
OUT=${OUT:-$TMP/out}
mkdir -p "$(dirname "$OUT")"
OUT=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
ID=$(od -An -N2 -tx2 /dev/urandom | tr -d ' \n')
# The two users of nats.conf: the coordinator publishes tasks, a worker may not (its subject
# permissions). A letter first: NATS parses an environment value like a config value, so a hex
# string such as 31e2… would be read as a number ("variable reference … could not be parsed").
NATS_COORDINATOR_USER=coordinator
NATS_COORDINATOR_PASSWORD=p$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
NATS_WORKER_USER=worker
NATS_WORKER_PASSWORD=p$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

log() { printf '[sim %3ss] %s\n' "$SECONDS" "$*" >&2; }

# ---- nodes: network namespaces, or loopback ---------------------------------------------------
netns_works() {
  [[ $(id -u) == 0 ]] && command -v ip >/dev/null || return 1
  ip netns add "ss${ID}-probe" 2>/dev/null || return 1
  ip netns del "ss${ID}-probe"
}
case $NETNS in
  on) netns_works || { echo "cluster.sh: --netns on, but ip netns does not work here" >&2; exit 1; }; MODE=netns ;;
  off) MODE=loopback ;;
  auto) if netns_works; then MODE=netns; else MODE=loopback; fi ;;
  *) echo "cluster.sh: --netns auto|on|off" >&2; exit 2 ;;
esac

NAMESPACES=()
SUBNET=10.231.7
declare -A ADDR=()
# Runs a command on a node: inside its namespace (with its own hostname), or here.
on_node() {
  local node=$1; shift
  if [[ $MODE == netns ]]; then
    if command -v unshare >/dev/null; then
      ip netns exec "ss${ID}-$node" unshare --uts sh -c 'hostname "$0" && exec "$@"' "sim-$node" "$@"
    else
      ip netns exec "ss${ID}-$node" "$@"
    fi
  else
    "$@"
  fi
}
# The same for a background process (`spawn_on_node … &`): the subshell that `&` makes becomes
# the process itself, so $! is its pid and SIGTERM reaches it.
spawn_on_node() {
  local node=$1; shift
  if [[ $MODE == netns ]]; then
    if command -v unshare >/dev/null; then
      exec ip netns exec "ss${ID}-$node" unshare --uts sh -c 'hostname "$0" && exec "$@"' "sim-$node" "$@"
    fi
    exec ip netns exec "ss${ID}-$node" "$@"
  fi
  exec "$@"
}
add_node() { # name, host number
  local name=$1 n=$2 ns="ss${ID}-$1"
  if [[ $MODE == netns ]]; then
    ip netns add "$ns"; NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    ip -n "ss${ID}-sw" link add "v${ID}n$n" type veth peer name eth0 netns "$ns"
    ip -n "ss${ID}-sw" link set "v${ID}n$n" master br0 up
    ip -n "$ns" addr add "$SUBNET.$n/24" dev eth0
    ip -n "$ns" link set eth0 up
    ADDR[$name]=$SUBNET.$n
  else
    ADDR[$name]=127.0.0.1
  fi
}
free_port() { "$NODE" -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# ---- teardown ---------------------------------------------------------------------------------
NATS_PID='' COORD_RC='' LAG_PID='' DRAINED=''
declare -A WPID=() WEXIT=() WDRAIN=()
finish() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  [[ -n $LAG_PID ]] && kill -TERM "$LAG_PID" 2>/dev/null && wait "$LAG_PID" 2>/dev/null
  # Graceful drain: SIGTERM every worker, as the kubelet does, and wait for each to exit.
  for w in "${!WPID[@]}"; do kill -TERM "${WPID[$w]}" 2>/dev/null; done
  local start=$SECONDS
  for w in "${!WPID[@]}"; do
    local pid=${WPID[$w]}
    while kill -0 "$pid" 2>/dev/null && (( SECONDS - start < DRAIN + 10 )); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; WEXIT[$w]=killed
    else
      wait "$pid" 2>/dev/null; WEXIT[$w]=$?
    fi
    WDRAIN[$w]=$(( SECONDS - start ))
    log "worker $w exited: ${WEXIT[$w]} (after ${WDRAIN[$w]}s)"
    [[ ${WEXIT[$w]} == 0 ]] || { [[ $rc == 0 ]] && rc=1; }
  done
  if [[ -n $NATS_PID ]]; then kill -TERM "$NATS_PID" 2>/dev/null; wait "$NATS_PID" 2>/dev/null; fi
  if [[ -n $REPORT ]]; then
    local workers_json='' w
    for w in $(printf '%s\n' "${!WPID[@]}" | sort); do
      workers_json+="${workers_json:+,}{\"name\":\"$w\",\"address\":\"${ADDR[$w]}\",\"exit\":\"${WEXIT[$w]:-}\",\"drain_seconds\":${WDRAIN[$w]:-null},\"drained_during_run\":$([[ $w == "$DRAINED" ]] && echo true || echo false)}"
    done
    "$NODE" -e '
      const fs = require("fs");
      const [report, mode, nats, coordRc, tmp, out, workers] = process.argv.slice(1);
      const lines = (f) => { try { return fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)); } catch { return []; } };
      const lag = lines(tmp + "/lag.jsonl");
      let connz = null; try { connz = JSON.parse(fs.readFileSync(tmp + "/connz.json", "utf8")); } catch {}
      let workerPublish = null; try { workerPublish = JSON.parse(fs.readFileSync(tmp + "/worker-publish.json", "utf8")); } catch {}
      let violations = null; try { violations = Number(fs.readFileSync(tmp + "/violations", "utf8")); } catch {}
      const seen = lag.filter((l) => l.found);
      fs.writeFileSync(report, JSON.stringify({
        mode, nats, out, coordinator_exit: coordRc === "" ? null : Number(coordRc),
        workers: JSON.parse("[" + workers + "]"),
        keda: { polls: lag.length, consumer_seen: seen.length > 0, max_lag: Math.max(0, ...seen.map((l) => l.lag)), last: seen.at(-1) ?? lag.at(-1) ?? null },
        connections: connz,
        permissions: { violations_during_run: violations, worker_task_publish: workerPublish },
      }, null, 2));
    ' "$REPORT" "$MODE" "${NATS_URL:-}" "${COORD_RC:-}" "$TMP" "$OUT" "$workers_json"
  fi
  # Anything still running inside our namespaces (only processes this script started) goes too.
  for ns in "${NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  if [[ $KEEP == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the cluster ------------------------------------------------------------------------------
if [[ $MODE == netns ]]; then
  ip netns add "ss${ID}-sw"; NAMESPACES+=("ss${ID}-sw")
  ip -n "ss${ID}-sw" link add br0 type bridge
  ip -n "ss${ID}-sw" link set br0 up
fi
add_node nats 1
add_node coordinator 2
for i in $(seq 1 "$WORKERS"); do add_node "worker-$i" $((10 + i)); done

if [[ $MODE == netns ]]; then
  NATS_PORT=4222 MON_PORT=8222
else
  NATS_PORT=$(free_port) MON_PORT=$(free_port)
fi
NATS_URL="nats://${ADDR[nats]}:$NATS_PORT"
MONITOR="http://${ADDR[nats]}:$MON_PORT"
log "mode $MODE; NATS at $NATS_URL (monitoring $MONITOR); $WORKERS workers x $THREADS threads"

# NATS: the Kubernetes config, with the store and pid file moved into the temporary dir.
sed -e "s#^\( *\)store_dir: .*#\1store_dir: \"$TMP/jetstream\"#" \
    -e "s#^pid_file: .*#pid_file: \"$TMP/nats.pid\"#" \
    "$ROOT/deploy/k8s/base/nats.conf" >"$TMP/nats.conf"
spawn_on_node nats env SERVER_NAME=sim-nats \
  NATS_COORDINATOR_USER="$NATS_COORDINATOR_USER" NATS_COORDINATOR_PASSWORD="$NATS_COORDINATOR_PASSWORD" \
  NATS_WORKER_USER="$NATS_WORKER_USER" NATS_WORKER_PASSWORD="$NATS_WORKER_PASSWORD" \
  "$NATS_SERVER" -c "$TMP/nats.conf" -a "${ADDR[nats]}" -p "$NATS_PORT" -m "$MON_PORT" >"$TMP/nats.log" 2>&1 &
NATS_PID=$!
if ! on_node coordinator "$NODE" "$PROBE" wait "$MONITOR/healthz?js-enabled-only=true" 20; then
  log "NATS did not start:"; tail -20 "$TMP/nats.log" >&2; exit 1
fi

# Workers: one process per node, credentials from the environment, health on port 8080 (netns)
# or a free port (loopback).
declare -A HPORT=()
for i in $(seq 1 "$WORKERS"); do
  w=worker-$i
  if [[ $MODE == netns ]]; then HPORT[$w]=8080; else HPORT[$w]=$(free_port); fi
  spawn_on_node "$w" env NATS_URL="$NATS_URL" NATS_USER="$NATS_WORKER_USER" NATS_PASSWORD="$NATS_WORKER_PASSWORD" \
    DRAIN_TIMEOUT_SECONDS="$DRAIN" "$NODE" "$CLI" worker --nats "$NATS_URL" --threads "$THREADS" \
    --health-port "${HPORT[$w]}" >"$TMP/$w.log" 2>&1 &
  WPID[$w]=$!
done
for w in "${!WPID[@]}"; do
  # Generous: on a loaded machine a worker takes tens of seconds to load and connect.
  deadline=$((SECONDS + 90))
  until on_node coordinator "$NODE" "$PROBE" wait "http://${ADDR[$w]}:${HPORT[$w]}/readyz" 1; do
    if ! kill -0 "${WPID[$w]}" 2>/dev/null || (( SECONDS > deadline )); then
      log "$w never became ready (GET /readyz):"; tail -20 "$TMP/$w.log" >&2; exit 1
    fi
  done
done
log "all $WORKERS workers ready"

# KEDA's view of the queue while the study runs (the ScaledObject's stream and consumer).
spawn_on_node coordinator "$NODE" "$PROBE" lag "$MONITOR" SADDLESCOPE_TASKS saddlescope-workers '$G' 0.2 >"$TMP/lag.jsonl" &
LAG_PID=$!

# The coordinator, on its own node.
log "running $SPEC -> $OUT"
spawn_on_node coordinator env NATS_URL="$NATS_URL" NATS_USER="$NATS_COORDINATOR_USER" NATS_PASSWORD="$NATS_COORDINATOR_PASSWORD" \
  "$NODE" "$CLI" run "$SPEC" --nats "$NATS_URL" --out "$OUT" &
COORD_PID=$!
if [[ -n $DRAIN_ONE_AFTER ]]; then
  # A scale-down in the middle of the study: worker-1 drains (finishes its tasks in flight, exits 0)
  # while the others carry on; the study must still end with every task exactly once.
  sleep "$DRAIN_ONE_AFTER"
  if kill -0 "$COORD_PID" 2>/dev/null; then
    log "SIGTERM worker-1 during the run"; kill -TERM "${WPID[worker-1]}"; DRAINED=worker-1
  else
    log "the run ended before --drain-one-after $DRAIN_ONE_AFTER"
  fi
fi
set +e
wait "$COORD_PID"
COORD_RC=$?
set -e
on_node coordinator "$NODE" "$PROBE" connz "$MONITOR" >"$TMP/connz.json" 2>/dev/null || true
log "coordinator exited $COORD_RC"
# Every process ran under its own user without a subject it is not allowed; and a worker's
# credentials, from a worker node, cannot put a task on the queue.
grep -c 'Violation' "$TMP/nats.log" >"$TMP/violations" || true
on_node worker-1 env NATS_USER="$NATS_WORKER_USER" NATS_PASSWORD="$NATS_WORKER_PASSWORD" \
  "$NODE" "$PROBE" publish "$NATS_URL" saddlescope.tasks.sim-probe-000000000000.0123456789abcdef0123 \
  >"$TMP/worker-publish.json" 2>/dev/null || true
log "a task published with a worker's credentials: $(cat "$TMP/worker-publish.json")"
exit "$COORD_RC"
