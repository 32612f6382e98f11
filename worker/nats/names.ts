import { createHash } from 'node:crypto';
import type { Engine } from '../../shared/study/engine-name.js';
import { TASK_ID_SOURCE } from '../../shared/study/task-id.js';

/**
 * Every name saddlescope uses on a NATS server (README, "Running on a cluster"). The stream and the
 * workers' consumer are fixed: Kubernetes manifests (KEDA's ScaledObject) name them.
 */
export const TASKS_STREAM = 'SADDLESCOPE_TASKS';
export const RESULTS_STREAM = 'SADDLESCOPE_RESULTS';
export const WORKERS_CONSUMER = 'saddlescope-workers';
/** The consumer of tfjs-engine tasks, pulled only by workers that run the tfjs engine. */
export const TFJS_WORKERS_CONSUMER = 'saddlescope-workers-tfjs';
export const STUDIES_BUCKET = 'saddlescope-studies';

export const TASKS_SUBJECTS = 'saddlescope.tasks.>';
/**
 * Tasks that need the tfjs engine, in the same work-queue stream under their own prefix: a work
 * queue needs its consumers' filters disjoint, and `tasks-tfjs` is a different token from `tasks`.
 */
export const TFJS_SUBJECT_PREFIX = 'saddlescope.tasks-tfjs.';
export const TFJS_TASKS_SUBJECTS = `${TFJS_SUBJECT_PREFIX}>`;
export const RESULTS_SUBJECTS = 'saddlescope.results.>';
/** Core NATS (not stored): each worker says every few seconds that it is alive and how busy. */
export const PRESENCE_SUBJECT = 'saddlescope.workers';

/**
 * A study's key on the server: its name (made subject-safe) and 12 hex digits of its plan hash,
 * so two studies of the same name with different plans, or two studies whose tasks coincide,
 * never share subjects, message ids or status.
 */
export function studyKey(name: string, planHash: string): string {
  return `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${planHash.slice(0, 12)}`;
}

export const taskSubject = (key: string, taskId: string, engine: Engine = 'f64') =>
  `${engine === 'tfjs' ? TFJS_SUBJECT_PREFIX : 'saddlescope.tasks.'}${key}.${taskId}`;
export const resultSubject = (key: string, taskId: string) => `saddlescope.results.${key}.${taskId}`;
/** A study's task subjects of every engine (the tasks stream holds task subjects only). */
export const studyTasks = (key: string) => `saddlescope.*.${key}.>`;
export const studyResults = (key: string) => `saddlescope.results.${key}.>`;

/** Nats-Msg-Id of a task: the server drops a second publish of it within the duplicate window. */
export const taskMsgId = (key: string, epoch: number, taskId: string) => `${key}.${epoch}.${taskId}`;
/**
 * Nats-Msg-Id of the result of a task message sent on its own: a task run twice yields one stored
 * result. A message of several results has an id hashed from theirs (result-batch.ts).
 */
export const resultMsgId = (taskMsgIdOrSubject: string) => `${taskMsgIdOrSubject}.result`;

/**
 * How a worker's failure notice for a task message it could not read begins: the coordinator,
 * which knows its own tasks' messages valid, tells it apart (coordinator/transport/task-retries.ts).
 */
export const MALFORMED_TASK = 'malformed task message';

const SUBJECT = new RegExp(
  `^saddlescope\\.(?:tasks|tasks-tfjs|results)\\.([A-Za-z0-9_-]+)\\.(${TASK_ID_SOURCE})$`,
);

/** The study key and task id of a task or result subject, or null when it is not one of ours. */
export function parseSubject(subject: string): { key: string; taskId: string } | null {
  const m = SUBJECT.exec(subject);
  return m ? { key: m[1], taskId: m[2] } : null;
}

/**
 * The durable consumer through which one coordinator reads one study's results into one out dir.
 * Named by the out dir's identity, so a restarted coordinator resumes where it left off, and a
 * coordinator writing a fresh out dir reads every stored result from the start.
 */
export function coordinatorConsumer(key: string, outDirIdentity: string): string {
  const h = createHash('sha256').update(`${key}\n${outDirIdentity}`).digest('hex').slice(0, 16);
  return `saddlescope-coordinator-${h}`;
}

export const manifestKey = (key: string) => `${key}.manifest`;
export const statusKey = (key: string) => `${key}.status`;
