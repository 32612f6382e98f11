/**
 * The layering (README, "Layout"): shared/ ← worker/ ← coordinator/, shared/ network-free, no
 * cycles. `npm run deps` checks it; .ci/run runs it.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'shared-imports-only-shared',
      severity: 'error',
      comment: 'shared/ is the bottom layer: it imports neither worker/ nor coordinator/',
      from: { path: '^shared/' },
      to: { path: '^(worker|coordinator)/' },
    },
    {
      name: 'worker-never-imports-coordinator',
      severity: 'error',
      comment: 'worker/ sits below coordinator/: the protocol both speak is worker/nats/',
      from: { path: '^worker/' },
      to: { path: '^coordinator/' },
    },
    {
      name: 'coordinator-uses-worker-entry-points-only',
      severity: 'error',
      comment:
        "coordinator/ imports the protocol (worker/nats/) and the worker's entry points (the pools, the NATS worker loop), never its internals",
      from: { path: '^coordinator/' },
      to: {
        path: '^worker/',
        pathNot: '^worker/(nats/[^/]+|nats-worker|task-pool|tfjs-pool|tfjs-replay)[.]ts$',
      },
    },
    {
      name: 'shared-is-network-free',
      severity: 'error',
      comment: 'shared/ runs anywhere: no sockets, threads, processes, NATS or Piscina',
      from: { path: '^shared/' },
      to: {
        path: [
          '^(node:)?(net|tls|dgram|http|https|http2|worker_threads|child_process|cluster)$',
          '(^|/)node_modules/(@nats-io|piscina)/',
        ],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a module that (indirectly) imports itself',
      from: { path: '^(shared|worker|coordinator|test)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
