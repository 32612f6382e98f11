import { hostname } from 'node:os';
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
 * The status of a study a coordinator takes up (state `running`), from its previous one.
 *
 * Each coordinator session takes a new epoch, so its tasks get fresh message ids: a task id
 * published at an old epoch within the server's duplicate window (2 min) would be dropped as a
 * duplicate, and nothing would run it (a rerun after a SIGINT, after another out dir's coordinator
 * completed the study). Tasks still queued are not published again (study-streams.ts), so a
 * restart runs nothing twice. The exception is a second coordinator of a study another one is
 * running now (updated within 10 s): it shares that epoch, so the tasks both publish run once, and
 * `warning` says the two split the work (each out dir still gets every row: each has its own
 * results consumer).
 */
export function startingStatus(
  prev: StudyStatus | null,
  s: Pick<StudyStatus, 'key' | 'name' | 'planHash' | 'total' | 'out' | 'coordinator'> & { todo: number },
  alive: (coordinator: string) => boolean = coordinatorMayBeAlive,
): { status: StudyStatus; warning: string | null } {
  const ago = prev ? Date.now() - Date.parse(prev.updated) : Number.POSITIVE_INFINITY;
  const concurrent =
    prev?.state === 'running' &&
    prev.coordinator !== s.coordinator &&
    ago < 10_000 &&
    alive(prev.coordinator);
  const warning = concurrent
    ? `study ${s.key} was updated ${Math.round(ago / 1000)} s ago by coordinator ${prev.coordinator} (${prev.out}): two coordinators of one study split its tasks`
    : null;
  const epoch = prev === null ? 1 : concurrent ? prev.epoch : prev.epoch + 1;
  const now = new Date().toISOString();
  const { todo, ...named } = s;
  return {
    status: {
      ...named,
      state: 'running',
      epoch,
      done: s.total - todo,
      errors: prev?.out === s.out ? prev.errors : 0,
      workers: 0,
      started: now,
      updated: now,
    },
    warning,
  };
}

/**
 * Whether the coordinator `host:pid` may still be running: false only when it ran on this host and
 * its process is gone (a coordinator killed and started again at once is not a second one). A
 * coordinator on another host cannot be asked, so it counts as alive while its status is fresh.
 */
export function coordinatorMayBeAlive(coordinator: string): boolean {
  const at = coordinator.lastIndexOf(':');
  const pid = Number(coordinator.slice(at + 1));
  if (at < 0 || coordinator.slice(0, at) !== hostname() || !Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
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

  /**
   * A coordinator's progress or stop, unless the study was completed meanwhile at this epoch by
   * another out dir's coordinator: `running` or `stopped` over that `complete` would misstate the
   * server's state (and a stopped study's rerun would reuse its message ids). Returns whether it
   * was written.
   */
  async updateStatus(s: StudyStatus): Promise<{ written: boolean; current: StudyStatus | null }> {
    const current = await this.status(s.key);
    if (s.state !== 'complete' && current?.state === 'complete' && current.epoch === s.epoch)
      return { written: false, current };
    await this.putStatus(s);
    return { written: true, current };
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
