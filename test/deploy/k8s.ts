/**
 * Shared helpers of the deploy tests: rendering deploy/k8s (our kustomize subset, and
 * `kubectl kustomize` where installed), looking objects up, schema validation with
 * kubernetes-models, and a strict unknown-field check through TypeScript.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { REPO } from '../helpers/cli.js';
import { type K8sObject, kustomize } from '../helpers/kustomize.js';

export type { K8sObject };
export const K8S = join(REPO, 'deploy', 'k8s');
export const OVERLAYS = ['cpu', 'gpu'] as const;

export const hasCommand = (cmd: string, args = ['--help']) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status !== null;
};

export const KUBECTL = hasCommand('kubectl', ['version', '--client']);

export function kubectlKustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((d): d is K8sObject => d !== null);
}

const cache = new Map<string, K8sObject[]>();
/** The rendered overlay (our renderer: the same on every machine; kubectl is compared separately). */
export function render(dir: string): K8sObject[] {
  let objs = cache.get(dir);
  if (!objs) {
    objs = kustomize(dir);
    cache.set(dir, objs);
  }
  return structuredClone(objs);
}

export const idOf = (o: K8sObject) =>
  `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name ?? '?'}`;

export function byId(objs: K8sObject[]): Map<string, K8sObject> {
  return new Map(objs.map((o) => [idOf(o), o]));
}

export function find(objs: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0]!;
}

/** Generated names carry a hash suffix: find a ConfigMap or Secret by its name before the suffix. */
export function findGenerated(objs: K8sObject[], kind: string, base: string): K8sObject {
  const found = objs.filter(
    (o) => o.kind === kind && new RegExp(`^${base}-[a-z0-9]{10}$`).test(o.metadata?.name),
  );
  if (found.length !== 1) throw new Error(`expected one ${kind} ${base}-<hash>, found ${found.length}`);
  return found[0]!;
}

/** Every pod template (or Pod) in the objects, with the object that holds it. */
export function podSpecs(objs: K8sObject[]): { owner: K8sObject; meta: K8sObject; spec: K8sObject }[] {
  const out: { owner: K8sObject; meta: K8sObject; spec: K8sObject }[] = [];
  for (const o of objs) {
    if (o.kind === 'Pod') out.push({ owner: o, meta: o.metadata ?? {}, spec: o.spec });
    else if (o.kind === 'CronJob')
      out.push({
        owner: o,
        meta: o.spec.jobTemplate.spec.template.metadata ?? {},
        spec: o.spec.jobTemplate.spec.template.spec,
      });
    else if (o.spec?.template?.spec)
      out.push({ owner: o, meta: o.spec.template.metadata ?? {}, spec: o.spec.template.spec });
  }
  return out;
}

export function containersOf(spec: K8sObject): K8sObject[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

// ---------------------------------------------------------------------------------------------
// Schema validation

/** The module of the kubernetes-models class for an object (core, built-in groups, KEDA). */
function modelModule(o: K8sObject): string {
  const apiVersion = String(o.apiVersion);
  if (apiVersion.startsWith('keda.sh/')) return `@kubernetes-models/keda/${apiVersion}/${o.kind}`;
  return `kubernetes-models/${apiVersion}/${o.kind}`;
}

/** Validates against the Kubernetes (and KEDA) OpenAPI schemas; throws with the failing paths. */
export async function validateSchema(o: K8sObject): Promise<void> {
  let mod: Record<string, new (d: unknown) => { validate(): void }>;
  try {
    mod = await import(modelModule(o));
  } catch {
    throw new Error(`${idOf(o)}: no schema for ${o.apiVersion} ${o.kind}`);
  }
  const Model = mod[o.kind];
  if (!Model) throw new Error(`${idOf(o)}: no model ${o.kind}`);
  new Model(o).validate();
}

/**
 * Unknown fields: the schemas above accept them (additionalProperties is open), while `kubectl
 * apply` (field validation Strict) refuses them. Each object becomes an object literal typed with
 * the model's interface, and TypeScript's excess-property check names every unknown field.
 */
export function unknownFieldErrors(objs: K8sObject[]): string[] {
  const lines: string[] = [];
  objs.forEach((o, i) => {
    const mod = modelModule(o);
    lines.push(`import type { I${o.kind} as T${i} } from '${mod}';`);
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(o)};`);
  });
  const file = join(REPO, 'test', 'deploy', '__manifests_check__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const source = lines.join('\n');
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file?.fileName !== file || d.start === undefined) return msg;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const i = Math.floor(line / 2);
    return `${objs[i] ? idOf(objs[i]) : '?'}: ${msg}`;
  });
}
