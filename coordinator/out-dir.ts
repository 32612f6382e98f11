import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../shared/study/errors.js';
import type { StudySpec } from '../shared/study/spec.js';
import { atomicWrite } from './files.js';
import { versions } from './versions.js';

/** The files of an out dir (DESIGN.md, "Results"). */
export const outFiles = (dir: string) => ({
  study: join(dir, 'study.json'),
  runs: join(dir, 'runs.arrow'),
  history: join(dir, 'history.arrow'),
  trials: join(dir, 'trials.arrow'),
  journal: join(dir, 'results.journal'),
});

export interface StudyManifest {
  readonly name: string;
  readonly spec: StudySpec;
  readonly planHash: string;
  readonly tasks: number;
  readonly versions: Record<string, string>;
  readonly created: string;
}

/**
 * Creates the out dir for a study, or checks that the one there holds the same plan.
 * A different plan (another spec, other seeds) is refused: its rows would not belong together.
 */
export function prepareOutDir(dir: string, spec: StudySpec, planHash: string, tasks: number): StudyManifest {
  const files = outFiles(dir);
  if (existsSync(files.study)) {
    const old = readManifest(dir);
    if (old.planHash !== planHash)
      throw new InputError(
        `out dir ${dir} holds study '${old.name}' with another plan (${old.planHash} ≠ ${planHash}): use another --out, or the same spec and --seeds`,
      );
    return old;
  }
  mkdirSync(dir, { recursive: true });
  const manifest: StudyManifest = {
    name: spec.name,
    spec,
    planHash,
    tasks,
    versions: versions(),
    created: new Date().toISOString(),
  };
  atomicWrite(files.study, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function readManifest(dir: string): StudyManifest {
  const path = outFiles(dir).study;
  if (!existsSync(path)) throw new InputError(`${dir} is not a saddlescope out dir (no study.json)`);
  let m: Partial<StudyManifest> | null;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${path}: not a study manifest (${(e as Error).message})`);
  }
  // Every reader goes on to use these fields: a hand-edited or truncated manifest stops here.
  if (
    typeof m?.name !== 'string' ||
    typeof m.planHash !== 'string' ||
    typeof m.tasks !== 'number' ||
    typeof m.spec !== 'object' ||
    m.spec === null
  )
    throw new InputError(`${path}: not a study manifest (it needs name, spec, planHash and tasks)`);
  return m as StudyManifest;
}
