// temporary fake CLI for shaking out deploy/sim/cluster.sh (deleted afterwards)
import { connect } from '@nats-io/transport-node';
import { jetstreamManager, jetstream, AckPolicy, RetentionPolicy } from '@nats-io/jetstream';
import http from 'node:http';
const [cmd, ...args] = process.argv.slice(2);
const opt = (n) => args[args.indexOf(n) + 1];
const nc = await connect({ servers: opt('--nats'), user: process.env.NATS_USER, pass: process.env.NATS_PASSWORD, name: `fake-${cmd}` });
const jsm = await jetstreamManager(nc);
try { await jsm.streams.add({ name: 'SADDLESCOPE_TASKS', subjects: ['saddlescope.tasks'], retention: RetentionPolicy.Workqueue }); } catch {}
try { await jsm.consumers.add('SADDLESCOPE_TASKS', { durable_name: 'saddlescope-workers', ack_policy: AckPolicy.Explicit }); } catch {}
if (cmd === 'worker') {
  let ready = true;
  http.createServer((q, r) => { r.statusCode = q.url === '/readyz' ? (ready ? 200 : 503) : 200; r.end(); }).listen(Number(opt('--health-port')));
  const c = await jetstream(nc).consumers.get('SADDLESCOPE_TASKS', 'saddlescope-workers');
  const msgs = await c.consume({ max_messages: 1 });
  process.on('SIGTERM', async () => { ready = false; await msgs.close(); await nc.drain(); process.exit(0); });
  for await (const m of msgs) { await new Promise((r) => setTimeout(r, 20)); m.ack(); }
} else {
  const js = jetstream(nc);
  for (let i = 0; i < 40; i++) await js.publish('saddlescope.tasks', `t${i}`);
  while ((await jsm.consumers.info('SADDLESCOPE_TASKS', 'saddlescope-workers')).num_pending + (await jsm.consumers.info('SADDLESCOPE_TASKS', 'saddlescope-workers')).num_ack_pending > 0) await new Promise((r) => setTimeout(r, 100));
  console.log('fake run done'); await nc.close();
}
