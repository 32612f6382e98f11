import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import { manifestKey, statusKey } from '../../worker/nats/names.js';
import type { StudyManifest } from '../out-dir.js';

/**
 * A study's status in the studies bucket (`<key>.status`), written by its coordinator every few
 * seconds and when it stops. `epoch` numbers the study's runs on this server: it grows when a
 * completed study is run again, so its tasks get fresh message ids (see NatsTransport).
 */
export const StudyStatus = z.object({
  key: z.string(),
  name: z.string(),
  planHash: z.string(),
  state: z.enum(['running', 'stopped', 'complete']),
  epoch: z.number().int().min(1),
  total: z.number().int().min(0),
  done: z.number().int().min(0),
  errors: z.number().int().min(0).default(0),
  workers: z.number().int().min(0).default(0),
  out: z.string(),
  coordinator: z.string(),
  started: z.string(),
  updated: z.string(),
});
export type StudyStatus = z.output<typeof StudyStatus>;

/**
 * The status of a study a coordinator takes up (state `running`), from its previous one: a study
 * run again after it completed gets a new epoch, so fresh message ids for its tasks. `warning`
 * says when another coordinator updated it within 10 s: two coordinators split its results.
 */
export function startingStatus(
  prev: StudyStatus | null,
  s: Pick<StudyStatus, 'key' | 'name' | 'planHash' | 'total' | 'out' | 'coordinator'> & { todo: number },
): { status: StudyStatus; warning: string | null } {
  const ago = prev ? Date.now() - Date.parse(prev.updated) : Number.POSITIVE_INFINITY;
  const warning =
    prev?.state === 'running' && prev.coordinator !== s.coordinator && ago < 10_000
      ? `study ${s.key} was updated ${Math.round(ago / 1000)} s ago by coordinator ${prev.coordinator} (${prev.out}): two coordinators of one study split its results`
      : null;
  const epoch = (prev?.epoch ?? 1) + (prev?.state === 'complete' && s.todo > 0 ? 1 : 0);
  const now = new Date().toISOString();
  const { todo, ...named } = s;
  return {
    status: {
      ...named,
      state: 'running',
      epoch,
      done: s.total - todo,
      errors: prev?.epoch === epoch ? prev.errors : 0,
      workers: 0,
      started: now,
      updated: now,
    },
    warning,
  };
}

/** The studies bucket: `<key>.manifest` (the out dir's study.json) and `<key>.status`. */
export class StudyRegistry {
  constructor(readonly kv: KV) {}

  async status(key: string): Promise<StudyStatus | null> {
    const e = await this.kv.get(statusKey(key));
    if (e?.operation !== 'PUT') return null;
    const r = StudyStatus.safeParse(e.json());
    return r.success ? r.data : null;
  }

  async putStatus(s: StudyStatus): Promise<void> {
    await this.kv.put(statusKey(s.key), JSON.stringify(s));
  }

  async putManifest(key: string, m: StudyManifest): Promise<void> {
    await this.kv.put(manifestKey(key), JSON.stringify(m));
  }

  async manifest(key: string): Promise<StudyManifest | null> {
    const e = await this.kv.get(manifestKey(key));
    return e && e.operation === 'PUT' ? (e.json() as StudyManifest) : null;
  }

  /** Every study's status, in order of key. Entries that do not parse are skipped. */
  async list(): Promise<StudyStatus[]> {
    const keys: string[] = [];
    for await (const k of await this.kv.keys('*.status')) keys.push(k);
    const out: StudyStatus[] = [];
    for (const k of keys.sort()) {
      const s = await this.status(k.slice(0, -'.status'.length));
      if (s) out.push(s);
    }
    return out;
  }
}
