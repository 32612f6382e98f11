#!/usr/bin/env node
// HTTP probes for deploy/sim/cluster.sh (plain Node, no dependencies, no curl needed):
//
//   probe.mjs wait URL SECONDS            exit 0 once URL answers 200, 1 after SECONDS
//   probe.mjs status URL                  print the HTTP status (000 when unreachable)
//   probe.mjs get URL                     print the body
//   probe.mjs lag MONITOR_URL STREAM CONSUMER [ACCOUNT] [INTERVAL_S]
//       poll NATS's /jsz as KEDA's nats-jetstream scaler does and print one JSON line per poll:
//       {"t":…, "found":bool, "lag":num_pending+num_ack_pending, "pending":…, "ack_pending":…}
//       until stopped (SIGTERM/SIGINT).
//   probe.mjs connz MONITOR_URL           print {ip, name, in_msgs, out_msgs} per client connection
//   probe.mjs publish NATS_URL SUBJECT    publish one message as NATS_USER / NATS_PASSWORD (the
//       NATS text protocol over TCP) and print {"refused":bool,"error":…}: whether the server
//       refused it (a permissions violation) before answering the PING that follows it.

import { connect } from 'node:net';

const [cmd, url, ...rest] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function status(u) {
  try {
    const r = await fetch(u, { signal: AbortSignal.timeout(2000) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

/** KEDA's view (pkg/scalers/nats_jetstream_scaler.go): the consumer's pending + ack-pending. */
async function kedaLag(monitor, stream, consumer, account) {
  const q = new URLSearchParams({ acc: account, consumers: 'true', config: 'true' });
  const r = await fetch(`${monitor}/jsz?${q}`, { signal: AbortSignal.timeout(2000) });
  const body = await r.json();
  const acc = (body.account_details ?? []).find((a) => a.name === account || a.id === account);
  const st = acc?.stream_detail?.find((s) => s.name === stream);
  const c = st?.consumer_detail?.find((x) => x.name === consumer);
  if (!c) return { found: false, stream: Boolean(st) };
  return {
    found: true,
    lag: c.num_pending + c.num_ack_pending,
    pending: c.num_pending,
    ack_pending: c.num_ack_pending,
    retention: st.config?.retention,
    durable: c.config?.durable_name ?? null,
    ack_policy: c.config?.ack_policy,
  };
}

switch (cmd) {
  case 'wait': {
    const until = Date.now() + Number(rest[0] ?? 30) * 1000;
    while (Date.now() < until) {
      if ((await status(url)) === 200) process.exit(0);
      await sleep(200);
    }
    process.exit(1);
    break;
  }
  case 'status':
    console.log(String(await status(url)).padStart(3, '0'));
    break;
  case 'get': {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    process.stdout.write(await r.text());
    break;
  }
  case 'lag': {
    const [stream, consumer, account = '$G', interval = '0.25'] = rest;
    let stop = false;
    process.on('SIGTERM', () => (stop = true));
    process.on('SIGINT', () => (stop = true));
    while (!stop) {
      let line;
      try {
        line = { t: Date.now(), ...(await kedaLag(url, stream, consumer, account)) };
      } catch (e) {
        line = { t: Date.now(), found: false, error: String(e?.message ?? e) };
      }
      process.stdout.write(`${JSON.stringify(line)}\n`);
      await sleep(Number(interval) * 1000);
    }
    break;
  }
  case 'connz': {
    const r = await fetch(`${url}/connz?limit=1024`, { signal: AbortSignal.timeout(5000) });
    const body = await r.json();
    const conns = (body.connections ?? []).map((c) => ({
      ip: c.ip,
      name: c.name ?? '',
      in_msgs: c.in_msgs,
      out_msgs: c.out_msgs,
    }));
    console.log(JSON.stringify(conns));
    break;
  }
  case 'publish': {
    const { hostname, port } = new URL(url);
    const subject = rest[0];
    const auth = { user: process.env.NATS_USER, pass: process.env.NATS_PASSWORD };
    const out = await new Promise((resolve) => {
      const sock = connect(Number(port || 4222), hostname);
      let buf = '';
      let error = null;
      const done = (r) => {
        sock.destroy();
        resolve(r);
      };
      setTimeout(() => done({ refused: false, error: 'timeout' }), 5000);
      sock.on('error', (e) => done({ refused: false, error: String(e.message) }));
      sock.on('data', (d) => {
        buf += d;
        if (buf.startsWith('INFO') && !sock.sent) {
          sock.sent = true;
          const c = { verbose: false, pedantic: false, protocol: 1, ...auth };
          sock.write(`CONNECT ${JSON.stringify(c)}\r\nPUB ${subject} 5\r\nprobe\r\nPING\r\n`);
        }
        const err = /-ERR '([^']*)'/.exec(buf);
        if (err) error = err[1];
        if (/PONG\r\n/.test(buf) || /Authorization Violation/.test(buf))
          done({ refused: /Permissions Violation/.test(error ?? ''), error });
      });
    });
    console.log(JSON.stringify(out));
    break;
  }
  default:
    console.error('usage: probe.mjs wait|status|get|lag|connz|publish URL …');
    process.exit(2);
}
