/**
 * deploy/k8s: the overlays render, every object validates against the Kubernetes and KEDA
 * schemas (plus no unknown field), and the invariants deploy/README.md promises hold.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { parse as parseYaml } from 'yaml';
import { parseSpec } from '../../shared/study/spec.js';
import { TASKS_STREAM, TFJS_WORKERS_CONSUMER, WORKERS_CONSUMER } from '../../worker/nats/names.js';
import { tempDir } from '../helpers/cli.js';
import { type K8sObject, kustomize, loadYaml, parseImage } from '../helpers/kustomize.js';
import {
  byId,
  containersOf,
  find,
  findGenerated,
  hasCommand,
  idOf,
  K8S,
  KUBECTL,
  kubectlKustomize,
  OVERLAYS,
  podSpecs,
  render,
  unknownFieldErrors,
  validateSchema,
} from './k8s.js';

const overlay = (name: string) => join(K8S, 'overlays', name);
const extras = () => loadYaml(join(K8S, 'extras', 'results-reader.yaml'));
const envOf = (c: K8sObject, name: string) => (c.env ?? []).find((e: K8sObject) => e.name === name);
const quantity = (q: string | number) => {
  const s = String(q);
  const units: Record<string, number> = {
    m: 1e-3,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
  };
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(s);
  if (!m) throw new Error(`bad quantity ${s}`);
  return Number(m[1]) * (m[2] ? units[m[2]]! : 1);
};

// ---------------------------------------------------------------------------------------------
// Rendering

test('the cpu and gpu overlays render with our kustomize subset', (t) => {
  for (const name of OVERLAYS) {
    const objs = render(overlay(name));
    t.true(objs.length >= 12, `${name}: ${objs.length} objects`);
    t.is(new Set(objs.map(idOf)).size, objs.length, `${name}: duplicate objects`);
  }
});

test('our renderer matches kubectl kustomize object for object (where kubectl is installed)', (t) => {
  if (!KUBECTL) {
    t.log('kubectl not installed: the renderer is not cross-checked on this machine');
    t.pass();
    return;
  }
  for (const dir of [join(K8S, 'base'), overlay('cpu'), overlay('gpu')]) {
    const ours = byId(render(dir));
    const theirs = byId(kubectlKustomize(dir));
    t.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), dir);
    for (const [id, o] of theirs) t.deepEqual(ours.get(id), o, `${dir}: ${id}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Schemas

test('every rendered object validates against the Kubernetes and KEDA schemas', async (t) => {
  for (const name of OVERLAYS) {
    for (const o of render(overlay(name))) {
      await t.notThrowsAsync(validateSchema(o), `${name}: ${idOf(o)}`);
    }
  }
  for (const o of extras()) await t.notThrowsAsync(validateSchema(o), idOf(o));
});

test('the schema check catches what it should (a wrong type, a missing field)', async (t) => {
  const worker = find(render(overlay('cpu')), 'Deployment', 'saddlescope-worker');
  const bad = structuredClone(worker);
  bad.spec.template.spec.terminationGracePeriodSeconds = 'long';
  await t.throwsAsync(validateSchema(bad));
  const noSelector = structuredClone(worker);
  delete noSelector.spec.selector;
  await t.throwsAsync(validateSchema(noSelector));
  const so = find(render(overlay('cpu')), 'ScaledObject');
  so.spec.triggers[0].metadata.lagThreshold = 32; // KEDA wants strings in trigger metadata
  await t.throwsAsync(validateSchema(so));
});

test('no object has a field the API does not know (kubectl apply --validate=strict)', (t) => {
  const objs = [...render(overlay('cpu')), ...render(overlay('gpu')), ...extras()];
  t.deepEqual(unknownFieldErrors(objs), []);
  // …and the check does see a misspelt field:
  const worker = find(render(overlay('cpu')), 'Deployment', 'saddlescope-worker');
  worker.spec.template.spec.containers[0].readinesProbe = { httpGet: { path: '/readyz', port: 8080 } };
  const errors = unknownFieldErrors([worker]);
  t.is(errors.length, 1);
  t.regex(errors[0]!, /readinesProbe/);
});

// ---------------------------------------------------------------------------------------------
// Invariants

for (const name of OVERLAYS) {
  test(`${name}: every container has requests and limits and a restricted security context`, (t) => {
    const pods = podSpecs([...render(overlay(name)), ...extras()]);
    t.true(pods.length >= 4);
    for (const { owner, spec } of pods) {
      const where = idOf(owner);
      const psc = spec.securityContext ?? {};
      t.is(psc.seccompProfile?.type, 'RuntimeDefault', `${where}: seccomp`);
      t.is(spec.automountServiceAccountToken, false, `${where}: no API token`);
      for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) t.not(spec[flag], true, `${where}: ${flag}`);
      for (const v of spec.volumes ?? []) {
        const kinds = Object.keys(v).filter((k) => k !== 'name');
        t.true(
          kinds.every((k) =>
            ['configMap', 'secret', 'emptyDir', 'persistentVolumeClaim', 'projected', 'downwardAPI'].includes(
              k,
            ),
          ),
          `${where}: volume ${v.name} (${kinds})`,
        );
      }
      for (const c of containersOf(spec)) {
        const at = `${where} container ${c.name}`;
        const sc = c.securityContext ?? {};
        t.is(sc.runAsNonRoot ?? psc.runAsNonRoot, true, `${at}: runAsNonRoot`);
        const uid = sc.runAsUser ?? psc.runAsUser;
        t.true(typeof uid === 'number' && uid > 0, `${at}: numeric non-root uid`);
        t.is(sc.allowPrivilegeEscalation, false, `${at}: allowPrivilegeEscalation`);
        t.not(sc.privileged, true, `${at}: privileged`);
        t.deepEqual(sc.capabilities?.drop, ['ALL'], `${at}: drop ALL`);
        t.deepEqual(sc.capabilities?.add ?? [], [], `${at}: no added capability`);
        t.is(sc.readOnlyRootFilesystem, true, `${at}: read-only root`);
        for (const r of ['cpu', 'memory']) {
          t.truthy(c.resources?.limits?.[r], `${at}: limits.${r}`);
          t.truthy(c.resources?.requests?.[r], `${at}: requests.${r}`);
          t.true(
            quantity(c.resources.requests[r]) <= quantity(c.resources.limits[r]),
            `${at}: requests.${r} <= limits`,
          );
        }
      }
    }
  });

  test(`${name}: images are pinned to an exact version or a digest`, (t) => {
    for (const { owner, spec } of podSpecs([...render(overlay(name)), ...extras()])) {
      for (const c of containersOf(spec)) {
        const img = parseImage(c.image);
        const pinned =
          /^sha256:[0-9a-f]{64}$/.test(img.digest ?? '') ||
          /^v?\d+\.\d+\.\d+([-.][\w.-]+)?$/.test(img.tag ?? '');
        t.true(pinned, `${idOf(owner)}: ${c.image}`);
        t.not(img.tag, 'latest');
        t.not(c.imagePullPolicy, 'Always', `${idOf(owner)}: a pinned image needs no Always pull`);
      }
    }
  });

  test(`${name}: the worker's grace period exceeds its drain, and its probes match the health contract`, (t) => {
    const objs = render(overlay(name));
    const worker = find(objs, 'Deployment', 'saddlescope-worker');
    const pod = worker.spec.template.spec;
    const c = find(
      pod.containers.map((x: K8sObject) => ({ ...x, kind: 'C', metadata: { name: x.name } })),
      'C',
      'worker',
    );
    const drain = Number(envOf(c, 'DRAIN_TIMEOUT_SECONDS')?.value);
    t.true(Number.isInteger(drain) && drain >= 60, `DRAIN_TIMEOUT_SECONDS ${drain}`);
    t.true(
      pod.terminationGracePeriodSeconds >= drain + 15,
      `grace ${pod.terminationGracePeriodSeconds} vs drain ${drain}`,
    );
    // No preStop hook eats into the grace period before SIGTERM reaches the worker.
    t.is(c.lifecycle?.preStop, undefined);
    t.is(c.args[0], 'worker');
    t.is(c.args[c.args.indexOf('--nats') + 1], '$(NATS_URL)');
    const port = Number(c.args[c.args.indexOf('--health-port') + 1]);
    const named = (p: string | number) =>
      typeof p === 'number' ? p : c.ports.find((x: K8sObject) => x.name === p)?.containerPort;
    t.is(c.readinessProbe.httpGet.path, '/readyz');
    t.is(named(c.readinessProbe.httpGet.port), port);
    t.is(c.livenessProbe.httpGet.path, '/healthz');
    t.is(named(c.livenessProbe.httpGet.port), port);
    // Threads follow the CPU limit, which is a whole number of CPUs.
    t.is(c.args[c.args.indexOf('--threads') + 1], '$(WORKER_THREADS)');
    t.is(envOf(c, 'WORKER_THREADS')?.valueFrom?.resourceFieldRef?.resource, 'limits.cpu');
    t.true(Number.isInteger(quantity(c.resources.limits.cpu)));
    // HPA/KEDA owns replicas: the Deployment leaves it unset, so an apply never fights the scaler.
    t.is(worker.spec.replicas, undefined);
  });

  test(`${name}: the coordinator Job cannot run twice at once and writes to the results PVC`, (t) => {
    const objs = render(overlay(name));
    const jobs = objs.filter((o) => o.kind === 'Job' || o.kind === 'CronJob');
    t.is(jobs.length, 1);
    const job = find(objs, 'Job', 'saddlescope-coordinator');
    t.is(job.metadata.generateName, undefined, 'a fixed name: a second apply cannot make a second Job');
    t.is(job.spec.parallelism, 1);
    t.is(job.spec.completions, 1);
    t.is(job.spec.podReplacementPolicy, 'Failed', 'a new pod only once the old one has terminated');
    t.is(job.spec.template.spec.restartPolicy, 'Never');
    const c = job.spec.template.spec.containers[0];
    t.is(c.args[0], 'run');
    t.is(c.args[c.args.indexOf('--nats') + 1], '$(NATS_URL)');
    // The study comes from the ConfigMap, the results go to the PVC.
    const vols = job.spec.template.spec.volumes as K8sObject[];
    const studyVol = vols.find((v) => v.configMap);
    const mount = c.volumeMounts.find((m: K8sObject) => m.name === studyVol?.name);
    const study = findGenerated(objs, 'ConfigMap', 'saddlescope-study');
    t.is(studyVol?.configMap.name, study.metadata.name);
    t.is(c.args[1], `${mount.mountPath}/study.yaml`);
    t.truthy(study.data['study.yaml']);
    const pvcVol = vols.find((v) => v.persistentVolumeClaim);
    t.is(pvcVol?.persistentVolumeClaim.claimName, 'saddlescope-results');
    find(objs, 'PersistentVolumeClaim', 'saddlescope-results');
    const resultsMount = c.volumeMounts.find((m: K8sObject) => m.name === pvcVol?.name);
    t.true(c.workingDir === resultsMount.mountPath || c.args.includes('--out'), 'out dir on the PVC');
    t.is(job.spec.template.spec.securityContext.fsGroup, job.spec.template.spec.securityContext.runAsGroup);
  });

  test(`${name}: NATS runs JetStream on a PVC with monitoring, behind a NetworkPolicy, with one credentials Secret per role`, (t) => {
    const objs = render(overlay(name));
    const sts = find(objs, 'StatefulSet', 'saddlescope-nats');
    const pod = sts.spec.template.spec;
    const nats = pod.containers[0];
    const conf = findGenerated(objs, 'ConfigMap', 'saddlescope-nats-config');
    t.is(pod.volumes.find((v: K8sObject) => v.configMap)?.configMap.name, conf.metadata.name);
    const text: string = conf.data['nats.conf'];
    const storeDir = /store_dir:\s*(\S+)/.exec(text)?.[1];
    const claim = sts.spec.volumeClaimTemplates[0];
    t.is(nats.volumeMounts.find((m: K8sObject) => m.name === claim.metadata.name)?.mountPath, storeDir);
    t.deepEqual(claim.spec.accessModes, ['ReadWriteOnce']);
    t.true(
      quantity(claim.spec.resources.requests.storage) >
        quantity(/max_file_store:\s*(\S+)/.exec(text)![1]!.replace(/B$/, '')),
    );
    t.regex(text, /http_port:\s*8222/);
    const svc = find(objs, 'Service', 'saddlescope-nats');
    t.deepEqual(svc.spec.ports.map((p: K8sObject) => p.port).sort(), [4222, 8222]);
    for (const [k, v] of Object.entries(svc.spec.selector)) t.is(sts.spec.template.metadata.labels[k], v);
    // Credentials: one Secret per NATS user. The NATS pod reads both (nats.conf's $VARS, by key);
    // every other saddlescope pod reads only its own role's, as NATS_USER / NATS_PASSWORD.
    const secrets = {
      coordinator: findGenerated(objs, 'Secret', 'saddlescope-nats-coordinator'),
      worker: findGenerated(objs, 'Secret', 'saddlescope-nats-worker'),
    };
    for (const secret of Object.values(secrets))
      t.deepEqual(Object.keys(secret.data).sort(), ['NATS_PASSWORD', 'NATS_USER']);
    for (const [role, secret] of Object.entries(secrets))
      for (const key of ['USER', 'PASSWORD']) {
        const name = `NATS_${role.toUpperCase()}_${key}`;
        t.regex(text, new RegExp(`\\$${name}\\b`));
        const ref = nats.env.find((e: K8sObject) => e.name === name)?.valueFrom?.secretKeyRef;
        t.deepEqual(ref, { name: secret.metadata.name, key: `NATS_${key}` }, name);
      }
    t.is(nats.envFrom, undefined, 'the NATS pod takes the two Secrets by key only');
    const roleOf: Record<string, keyof typeof secrets> = {
      'Deployment/saddlescope-worker': 'worker',
      'Job/saddlescope-coordinator': 'coordinator',
    };
    for (const { owner, spec } of podSpecs(objs)) {
      if (owner.kind === 'StatefulSet') continue;
      const role = roleOf[`${owner.kind}/${owner.metadata.name}`];
      t.truthy(role, `${idOf(owner)} has a role`);
      for (const c of spec.containers)
        t.deepEqual(
          c.envFrom.map((e: K8sObject) => e.secretRef?.name),
          [secrets[role].metadata.name],
          `${idOf(owner)} reads its own credentials only`,
        );
    }
    // The NetworkPolicy: NATS pods admit only saddlescope pods (plus KEDA on the monitoring port).
    const policies = objs.filter((o) => o.kind === 'NetworkPolicy');
    const natsLabels = sts.spec.template.metadata.labels;
    const selectsNats = (p: K8sObject) =>
      Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => natsLabels[k] === v);
    t.true(policies.length >= 1 && policies.every(selectsNats));
    const rules = policies.flatMap((p) => p.spec.ingress.map((r: K8sObject) => ({ p, r })));
    for (const { p, r } of rules) {
      t.true(r.from?.length > 0, `${p.metadata.name}: no rule open to everyone`);
      for (const peer of r.from) {
        t.is(peer.ipBlock, undefined);
        if (peer.namespaceSelector) {
          t.deepEqual(
            r.ports.map((x: K8sObject) => x.port),
            [8222],
            'other namespaces: monitoring only',
          );
        } else t.deepEqual(peer.podSelector.matchLabels, { 'app.kubernetes.io/part-of': 'saddlescope' });
      }
    }
    for (const { owner, meta } of podSpecs(objs))
      t.is(meta.labels?.['app.kubernetes.io/part-of'], 'saddlescope', `${idOf(owner)} may reach NATS`);
    // Every pod finds NATS at the Service's client port.
    for (const { owner, spec } of podSpecs(objs)) {
      const url = spec.containers[0].env?.find((e: K8sObject) => e.name === 'NATS_URL')?.value;
      if (owner.kind === 'StatefulSet') continue;
      t.is(url, `nats://${svc.metadata.name}:4222`, idOf(owner));
    }
  });

  test(`${name}: the KEDA ScaledObject follows the task queue the workers consume`, (t) => {
    const objs = render(overlay(name));
    const so = find(objs, 'ScaledObject', 'saddlescope-worker');
    const worker = find(objs, 'Deployment', 'saddlescope-worker');
    t.is(so.spec.scaleTargetRef.name, worker.metadata.name);
    t.is(so.metadata.namespace, worker.metadata.namespace);
    t.true(so.spec.maxReplicaCount >= Math.max(1, so.spec.minReplicaCount ?? 0));
    // Workers with the tfjs engine (the GPU overlay) also pull the tfjs tasks' consumer, and scale on it.
    const env = worker.spec.template.spec.containers[0].env ?? [];
    const tfjs = env.some((e: K8sObject) => e.name === 'SADDLESCOPE_ENGINE' && e.value === 'tfjs');
    const consumers = so.spec.triggers.map((tr: K8sObject) => tr.metadata.consumer);
    t.deepEqual(consumers, tfjs ? [WORKERS_CONSUMER, TFJS_WORKERS_CONSUMER] : [WORKERS_CONSUMER]);
    const svc = find(objs, 'Service', 'saddlescope-nats');
    for (const tr of so.spec.triggers) {
      const m = tr.metadata;
      t.is(tr.type, 'nats-jetstream');
      t.is(m.stream, TASKS_STREAM);
      t.is(m.account, '$G');
      t.regex(m.lagThreshold, /^[1-9]\d*$/);
      t.is(
        m.natsServerMonitoringEndpoint,
        `${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local:8222`,
      );
    }
    // A fallback keeps one worker when the lag cannot be read (no consumer yet): no deadlock at zero.
    t.true(so.spec.fallback?.replicas >= 1);
    // Scaling down must not outrun the drain: one step per period at least as long as a drain.
    const down = so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown;
    t.true(down.stabilizationWindowSeconds >= 60);
  });
}

test('gpu: workers ask for a GPU, tolerate the GPU taint, select GPU nodes and run the GPU image', (t) => {
  const objs = render(overlay('gpu'));
  const pod = find(objs, 'Deployment', 'saddlescope-worker').spec.template.spec;
  const c = pod.containers[0];
  t.true(Number(c.resources.limits['nvidia.com/gpu']) >= 1);
  t.is(
    c.resources.requests['nvidia.com/gpu'],
    c.resources.limits['nvidia.com/gpu'],
    'extended resources: requests = limits',
  );
  t.true(
    pod.tolerations.some(
      (x: K8sObject) =>
        x.key === 'nvidia.com/gpu' && x.effect === 'NoSchedule' && (x.operator === 'Exists' || x.value),
    ),
  );
  t.true(Object.keys(pod.nodeSelector ?? {}).length > 0);
  t.regex(c.image, /saddlescope-gpu[:@]/);
  t.is(envOf(c, 'SADDLESCOPE_ENGINE')?.value, 'tfjs');
  // Only workers hold GPUs; the coordinator and NATS stay on the CPU image and CPU nodes.
  for (const { owner, spec } of podSpecs(objs)) {
    if (owner.kind === 'Deployment') continue;
    for (const x of containersOf(spec)) t.is(x.resources.limits['nvidia.com/gpu'], undefined, idOf(owner));
    t.notRegex(spec.containers[0].image, /saddlescope-gpu/);
  }
});

test('cpu: nothing asks for a GPU', (t) => {
  for (const { spec } of podSpecs(render(overlay('cpu'))))
    for (const c of containersOf(spec)) t.is(c.resources.limits['nvidia.com/gpu'], undefined);
});

test('the study in the base ConfigMap is a valid saddlescope spec', (t) => {
  const cm = findGenerated(render(overlay('cpu')), 'ConfigMap', 'saddlescope-study');
  const spec = parseSpec(cm.data['study.yaml'], 'saddlescope-study');
  t.is(spec.name, 'circle-smoke');
});

test("nats.conf is accepted by nats-server, only with both users' credentials in the environment and passwords that start with a letter", (t) => {
  if (!hasCommand('nats-server', ['--version'])) {
    t.log('nats-server not installed: nats.conf not checked by the server');
    t.pass();
    return;
  }
  const conf = join(K8S, 'base', 'nats.conf');
  const env = {
    PATH: process.env.PATH,
    SERVER_NAME: 'check',
    NATS_COORDINATOR_USER: 'c',
    NATS_COORDINATOR_PASSWORD: 'c0123abcd',
    NATS_WORKER_USER: 'w',
    NATS_WORKER_PASSWORD: '0123abcd',
  };
  const ok = spawnSync('nats-server', ['-c', conf, '-t'], { env, encoding: 'utf8' });
  t.is(ok.status, 0, ok.stderr + ok.stdout);
  const { NATS_WORKER_PASSWORD: _, ...noPassword } = env;
  const bad = spawnSync('nats-server', ['-c', conf, '-t'], { env: noPassword, encoding: 'utf8' });
  t.not(bad.status, 0);
  t.regex(bad.stderr + bad.stdout, /NATS_WORKER_PASSWORD/);
  // A hex password read as a number (31e2… is 31·10²…) stops the server; a letter first does not.
  // The README's recipe and the simulated cluster's generator both put one first.
  const numeric = spawnSync('nats-server', ['-c', conf, '-t'], {
    env: { ...env, NATS_WORKER_PASSWORD: '31e2ab' },
    encoding: 'utf8',
  });
  t.not(numeric.status, 0);
  const lettered = spawnSync('nats-server', ['-c', conf, '-t'], {
    env: { ...env, NATS_WORKER_PASSWORD: 'p31e2ab' },
    encoding: 'utf8',
  });
  t.is(lettered.status, 0, lettered.stderr + lettered.stdout);
  const readme = readFileSync(join(K8S, '..', 'README.md'), 'utf8');
  const sim = readFileSync(join(K8S, '..', 'sim', 'cluster.sh'), 'utf8');
  for (const role of ['coordinator', 'worker']) {
    t.regex(readme, new RegExp(`NATS_USER=${role}\\\\nNATS_PASSWORD=p%s\\\\n' "\\$\\(openssl rand -hex`));
    t.regex(sim, new RegExp(`^NATS_${role.toUpperCase()}_PASSWORD=p\\$\\(od `, 'm'));
  }
});

test('a study overlay as deploy/README.md describes replaces the study and the credentials', (t) => {
  // The README's "Run your study" overlay, verbatim from its fenced block.
  const readme = readFileSync(join(K8S, '..', 'README.md'), 'utf8');
  const block = /<!-- study-overlay -->\s*```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  t.truthy(block, 'deploy/README.md has the study overlay block');
  const root = tempDir('saddlescope-overlay-');
  // The README's layout: my-study/ beside a copy of deploy/ (so ../deploy/k8s/overlays/cpu resolves).
  cpSync(K8S, join(root, 'deploy', 'k8s'), { recursive: true });
  const dir = join(root, 'my-study');
  mkdirSync(dir);
  writeFileSync(join(dir, 'kustomization.yaml'), block!);
  const k = parseYaml(block!);
  writeFileSync(
    join(dir, 'study.yaml'),
    readFileSync(join(K8S, '..', '..', 'studies', 'torus.yaml'), 'utf8'),
  );
  writeFileSync(join(dir, 'coordinator.env'), 'NATS_USER=coordinator\nNATS_PASSWORD=5f0c3a9e7d21b4c8\n');
  writeFileSync(join(dir, 'worker.env'), 'NATS_USER=worker\nNATS_PASSWORD=b9e0c4d2a7f13865\n');
  const objs = kustomize(dir);
  const study = findGenerated(objs, 'ConfigMap', 'saddlescope-study');
  t.regex(study.data['study.yaml'], /name: torus/);
  const coordinatorSecret = findGenerated(objs, 'Secret', 'saddlescope-nats-coordinator');
  const workerSecret = findGenerated(objs, 'Secret', 'saddlescope-nats-worker');
  t.is(Buffer.from(coordinatorSecret.data.NATS_PASSWORD, 'base64').toString(), '5f0c3a9e7d21b4c8');
  t.is(Buffer.from(workerSecret.data.NATS_PASSWORD, 'base64').toString(), 'b9e0c4d2a7f13865');
  t.is(objs.filter((o) => o.kind === 'Secret').length, 2);
  // Only one study ConfigMap and one Secret per role: replaced, not added; and the pods follow the new names.
  t.is(
    objs.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('saddlescope-study')).length,
    1,
  );
  const job = find(objs, 'Job', 'saddlescope-coordinator');
  t.is(
    job.spec.template.spec.volumes.find((v: K8sObject) => v.configMap)?.configMap.name,
    study.metadata.name,
  );
  t.is(job.spec.template.spec.containers[0].envFrom[0].secretRef.name, coordinatorSecret.metadata.name);
  t.is(
    find(objs, 'Deployment', 'saddlescope-worker').spec.template.spec.containers[0].envFrom[0].secretRef.name,
    workerSecret.metadata.name,
  );
  t.is(
    find(objs, 'Deployment', 'saddlescope-worker').spec.template.spec.containers[0].image,
    `${k.images[0].newName}:${k.images[0].newTag}`,
  );
  if (KUBECTL) {
    const theirs = byId(kubectlKustomize(dir));
    t.deepEqual([...byId(objs).keys()].sort(), [...theirs.keys()].sort());
    for (const [id, o] of theirs) t.deepEqual(byId(objs).get(id), o, id);
  }
});
