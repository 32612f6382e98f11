import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Kubernetes probes of a worker. GET /healthz: 200 whenever the event loop turns (tasks run on
 * pool threads, so a long task never blocks it). GET /readyz: 200 while connected to NATS and
 * pulling tasks, else 503 with the reason (starting, disconnected, draining).
 */
export class HealthServer {
  private constructor(private readonly server: Server) {}

  static listen(port: number, host: string, notReady: () => string | null): Promise<HealthServer> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const reply = (code: number, body: string) => {
        res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        res.end(`${body}\n`);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed');
      if (path === '/healthz') return reply(200, 'ok');
      if (path === '/readyz') {
        const why = notReady();
        return why === null ? reply(200, 'ready') : reply(503, `not ready: ${why}`);
      }
      reply(404, 'not found: GET /healthz or /readyz');
    });
    // Probes must never keep a draining worker alive.
    server.keepAliveTimeout = 1000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.unref();
        resolve(new HealthServer(server));
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
