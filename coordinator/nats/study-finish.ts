import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { RESULTS_STREAM, studyResults } from '../../worker/nats/names.js';
import type { StudyRegistry, StudyStatus } from './studies.js';

/**
 * What a coordinator leaves on the server when it stops. Complete (every row journaled in its out
 * dir): its results consumer goes, and the study's stored results too — unless another out dir's
 * coordinator still has a consumer on them (two coordinators of one study into different out
 * dirs), which would then wait for results that were purged. Stopped: the status says so, unless
 * the study completed meanwhile at this epoch (the other coordinator finished it): `stopped` over
 * `complete` would misstate the server's state and make the next run reuse message ids.
 */
export async function finishStudy(
  f: {
    readonly jsm: JetStreamManager;
    readonly registry: StudyRegistry;
    readonly log: Logger;
    readonly consumerName: string;
  },
  status: StudyStatus,
  complete: boolean,
): Promise<void> {
  const key = status.key;
  try {
    if (complete) {
      await f.jsm.consumers.delete(RESULTS_STREAM, f.consumerName).catch(() => undefined);
      const others = await otherResultConsumers(f.jsm, key, f.consumerName);
      if (others.length === 0) await f.jsm.streams.purge(RESULTS_STREAM, { filter: studyResults(key) });
      else
        f.log.info(
          `study ${key}: ${others.length} other out dir(s) still read its results (${others.join(', ')}): results kept`,
        );
    }
    const { written, current } = await f.registry.updateStatus(status);
    if (!written)
      f.log.warn(
        `study ${key} was completed by coordinator ${current?.coordinator} (${current?.out}); this out dir is not complete yet: run again to take the stored results`,
      );
  } catch (e) {
    f.log.warn(`could not record the study's status in NATS: ${(e as Error).message}`);
  }
}

/** Other coordinators' result consumers of this study (other out dirs). */
async function otherResultConsumers(jsm: JetStreamManager, key: string, mine: string): Promise<string[]> {
  const subject = studyResults(key);
  const names: string[] = [];
  for await (const c of jsm.consumers.list(RESULTS_STREAM))
    if (c.name !== mine && c.config.filter_subject === subject) names.push(c.name);
  return names;
}
