import {
  AckPolicy,
  type ConsumerInfo,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { InputError } from '../../shared/study/errors.js';
import {
  RESULTS_STREAM,
  RESULTS_SUBJECTS,
  STUDIES_BUCKET,
  TASKS_STREAM,
  TASKS_SUBJECTS,
  TFJS_TASKS_SUBJECTS,
  TFJS_WORKERS_CONSUMER,
  WORKERS_CONSUMER,
} from './names.js';

const SECOND_NS = 1_000_000_000;
const DAY_NS = 86_400 * SECOND_NS;

/**
 * Delivery settings of the workers' consumer. Whoever creates the consumer first (a worker or a
 * coordinator) sets them; SADDLESCOPE_ACK_WAIT_SECONDS and SADDLESCOPE_MAX_DELIVER change them.
 */
export interface DeliverySettings {
  /** Seconds a delivered task may go without an ack or a working() heartbeat before redelivery. */
  readonly ackWaitSeconds: number;
  /** Deliveries of a task: the last one is recorded as `error: max deliveries` instead of run. */
  readonly maxDeliver: number;
  /** Whether these came from the environment (then they are applied to an existing consumer). */
  readonly explicit: boolean;
}

export function envInt(name: string, fallback: number, min: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(`${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

export function deliverySettings(): DeliverySettings {
  return {
    ackWaitSeconds: envInt('SADDLESCOPE_ACK_WAIT_SECONDS', 30, 1),
    maxDeliver: envInt('SADDLESCOPE_MAX_DELIVER', 5, 2),
    explicit:
      Boolean(process.env.SADDLESCOPE_ACK_WAIT_SECONDS) || Boolean(process.env.SADDLESCOPE_MAX_DELIVER),
  };
}

const TASKS_CONFIG: Partial<StreamConfig> & { name: string } = {
  name: TASKS_STREAM,
  subjects: [TASKS_SUBJECTS, TFJS_TASKS_SUBJECTS],
  description: 'saddlescope tasks: one message per task, removed when a worker acks its result',
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  discard: DiscardPolicy.Old,
  duplicate_window: 120 * SECOND_NS,
  num_replicas: 1,
};

const RESULTS_CONFIG: Partial<StreamConfig> & { name: string } = {
  name: RESULTS_STREAM,
  subjects: [RESULTS_SUBJECTS],
  description: 'saddlescope results: kept until the study completes (or 30 days)',
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  discard: DiscardPolicy.Old,
  max_age: 30 * DAY_NS,
  duplicate_window: 120 * SECOND_NS,
  num_replicas: 1,
};

async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    const info = await jsm.streams.info(config.name);
    const [want, ...added] = config.subjects!;
    const have = info.config.subjects ?? [];
    if (!have.includes(want))
      throw new Error(
        `stream ${config.name} exists with subjects [${have.join(', ')}], not ${want}: it was not made by saddlescope; delete it (nats stream rm ${config.name})`,
      );
    // Made by an older saddlescope (before the tfjs subjects): add the missing subjects.
    const missing = added.filter((s) => !have.includes(s));
    if (missing.length > 0) await jsm.streams.update(config.name, { subjects: [...have, ...missing] });
    return;
  } catch (e) {
    if (!/stream not found/i.test((e as Error).message)) throw e;
  }
  try {
    await jsm.streams.add(config);
  } catch (e) {
    // Another process created it between our info and add: fine if it is there now.
    await jsm.streams.info(config.name).catch(() => {
      throw e;
    });
  }
}

/**
 * A durable pull consumer of the tasks stream: `saddlescope-workers` (f64 tasks; every worker
 * shares it, KEDA reads its lag) or `saddlescope-workers-tfjs` (tfjs tasks; tfjs workers only).
 */
async function ensureWorkersConsumer(
  jsm: JetStreamManager,
  d: DeliverySettings,
  log: Logger,
  name: string,
  filter: string,
  description: string,
): Promise<ConsumerInfo> {
  const config = {
    durable_name: name,
    description,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filter,
    ack_wait: d.ackWaitSeconds * SECOND_NS,
    max_deliver: d.maxDeliver,
    // Tasks in flight across the cluster; each worker holds at most its thread count.
    max_ack_pending: 20_000,
    // Outstanding pull requests across the cluster (each worker has at most one per thread).
    max_waiting: 4096,
  };
  let info: ConsumerInfo;
  try {
    info = await jsm.consumers.info(TASKS_STREAM, name);
  } catch (e) {
    if (!/consumer not found/i.test((e as Error).message)) throw e;
    try {
      return await jsm.consumers.add(TASKS_STREAM, config);
    } catch {
      info = await jsm.consumers.info(TASKS_STREAM, name);
    }
  }
  const now = { ack_wait: info.config.ack_wait, max_deliver: info.config.max_deliver };
  if (d.explicit && (now.ack_wait !== config.ack_wait || now.max_deliver !== config.max_deliver)) {
    log.info(
      `consumer ${name}: ack wait ${d.ackWaitSeconds} s, max deliveries ${d.maxDeliver} (from the environment)`,
    );
    return jsm.consumers.update(TASKS_STREAM, name, {
      ack_wait: config.ack_wait,
      max_deliver: config.max_deliver,
    });
  }
  return info;
}

export interface Infrastructure {
  readonly jsm: JetStreamManager;
  readonly workers: ConsumerInfo;
  readonly tfjsWorkers: ConsumerInfo;
  readonly studies: KV;
}

/** Creates, if missing, the streams, the workers' consumer and the studies bucket. Idempotent. */
export async function ensureInfrastructure(nc: NatsConnection, log: Logger): Promise<Infrastructure> {
  const jsm = await jetstreamManager(nc).catch((e: Error) => {
    throw new Error(`JetStream is not enabled on this NATS server (start it with -js): ${e.message}`);
  });
  await ensureStream(jsm, TASKS_CONFIG);
  await ensureStream(jsm, RESULTS_CONFIG);
  const d = deliverySettings();
  const workers = await ensureWorkersConsumer(
    jsm,
    d,
    log,
    WORKERS_CONSUMER,
    TASKS_SUBJECTS,
    'saddlescope workers: every worker pulls its tasks here',
  );
  const tfjsWorkers = await ensureWorkersConsumer(
    jsm,
    d,
    log,
    TFJS_WORKERS_CONSUMER,
    TFJS_TASKS_SUBJECTS,
    'saddlescope tfjs workers: tasks for the tfjs engine',
  );
  const studies = await openStudies(nc);
  return { jsm, workers, tfjsWorkers, studies };
}

export function openStudies(nc: NatsConnection, create = true): Promise<KV> {
  const kvm = new Kvm(nc);
  return create
    ? kvm.create(STUDIES_BUCKET, {
        history: 1,
        storage: StorageType.File,
        description: 'saddlescope studies',
      })
    : kvm.open(STUDIES_BUCKET);
}

/**
 * When a stream was created: null when it does not exist, undefined when the server did not say
 * (it is away). A stream created anew, or gone, means the server lost its store.
 */
export async function streamCreated(
  jsm: JetStreamManager,
  stream: string,
): Promise<string | null | undefined> {
  try {
    return (await jsm.streams.info(stream)).created;
  } catch (e) {
    return e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound ? null : undefined;
  }
}
