import { Buffer } from 'node:buffer';
import { z } from 'zod';
import { describeIssue } from './errors.js';
import type { HistoryColumns, Result, RunRow, TrialsRow } from './result.js';
import { Task, taskContent, taskId } from './task.js';

/**
 * The bytes that cross the network between a coordinator and its workers (README, "Running on a
 * cluster"). No network code here: only the codec and the schemas that validate what arrives.
 *
 * - A task message is the JSON of the zod-validated Task. Every number in a Task is finite (zod
 *   numbers reject NaN and ±Infinity), so plain JSON is exact.
 * - A worker's reply is a {@link WorkerMessage}: a result, or a failure that names the task.
 *   Results must round-trip bit for bit, which plain JSON cannot do: a float64 scalar is a JSON
 *   number when finite and non-zero-signed (JavaScript prints the shortest text that parses back to
 *   the same double), else one of the strings "NaN", "Infinity", "-Infinity", "-0"; a typed array
 *   is the base64 of its little-endian bytes (NaN payloads included).
 */
export const WIRE_VERSION = 1;

/** A message that is not what it claims to be: the text names the field. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

export function isWireError(e: unknown): e is WireError {
  return e instanceof Error && e.name === 'WireError';
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(data: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(fromUtf8.decode(data));
  } catch (e) {
    throw new WireError(`${what}: not UTF-8 JSON (${(e as Error).message})`);
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new WireError(
    `${what}:\n  ${r.error.issues.flatMap((i) => describeIssue(i).split('\n')).join('\n  ')}`,
  );
}

// ---- tasks -------------------------------------------------------------------------------------

export function encodeTask(task: Task): Uint8Array {
  return utf8.encode(JSON.stringify(task));
}

/** A task as a worker receives it: valid against the Task schema, and its id the hash of its content. */
export function decodeTask(data: Uint8Array): Task {
  const task = parseWith(Task, parseJson(data, 'task message'), 'task message');
  const want = taskId(taskContent(task));
  const id = task.id;
  if (id !== want) throw new WireError(`task message: id ${id} is not the hash of its content (${want})`);
  return task;
}

// ---- float64 scalars and typed arrays ----------------------------------------------------------

const SPECIAL = ['NaN', 'Infinity', '-Infinity', '-0'] as const;
type Special = (typeof SPECIAL)[number];

function encodeF64(x: number): number | Special {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

const F64 = z
  .union([z.number(), z.enum(SPECIAL)])
  .transform((v) => (typeof v === 'number' ? v : v === '-0' ? -0 : Number(v)));

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of a typed array as base64 (a copy swapped on big-endian hosts). */
function encodeArray(a: Float64Array | Int32Array): string {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) return bytes.toString('base64');
  const copy = Buffer.from(bytes);
  if (a instanceof Float64Array) copy.swap64();
  else copy.swap32();
  return copy.toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function arraySchema<T extends Float64Array | Int32Array>(
  make: (b: ArrayBuffer) => T,
  width: 4 | 8,
  name: string,
) {
  return z
    .string()
    .regex(BASE64, `must be base64 (${name})`)
    .transform((s, ctx) => {
      const bytes = Buffer.from(s, 'base64');
      if (bytes.length % width !== 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${bytes.length} bytes is not a whole number of ${name} values`,
        });
        return z.NEVER;
      }
      // Copy into a fresh, aligned buffer: a Buffer may be a view into Node's shared pool.
      const out = new Uint8Array(bytes.length);
      out.set(bytes);
      if (!LITTLE_ENDIAN) width === 8 ? Buffer.from(out.buffer).swap64() : Buffer.from(out.buffer).swap32();
      return make(out.buffer);
    });
}

const F64Array = arraySchema((b): Float64Array => new Float64Array(b), 8, 'float64');
const I32Array = arraySchema((b): Int32Array => new Int32Array(b), 4, 'int32');

/** Wire form of any value of a result: scalars and typed arrays encoded, the rest as is. */
function encodeValue(v: unknown): unknown {
  if (typeof v === 'number') return encodeF64(v);
  if (v instanceof Float64Array || v instanceof Int32Array) return encodeArray(v);
  return v;
}

function encodeRecord(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = encodeValue(v);
  return out;
}

// ---- results -----------------------------------------------------------------------------------

const int = z.number().int();

/** A received `runs` row. Column types as in README, "Results"; strict: an unknown field is refused. */
export const RunRowWire = z.strictObject({
  task_id: z.string().regex(/^[0-9a-f]{20}$/),
  config: z.string().regex(/^[0-9a-f]{12}$/),
  study: z.string(),
  problem: z.string(),
  optimizer: z.string(),
  seed: int,
  problem_params: z.string(),
  optimizer_params: z.string(),
  status: z.enum(['converged', 'max_iter', 'diverged', 'error']),
  message: z.string(),
  iterations: int,
  loss: F64,
  grad_norm: F64,
  grad_norm_inner: F64.nullable(),
  grad_norm_outer: F64.nullable(),
  output_norm_ratio: F64.nullable(),
  orthogonality: F64.nullable(),
  point_class: z.enum(['minimum', 'maximum', 'saddle', 'degenerate']).nullable(),
  stationary_point: z.string().nullable(),
  n_positive: int.nullable(),
  n_negative: int.nullable(),
  n_zero: int.nullable(),
  eig_min: F64.nullable(),
  eig_max: F64.nullable(),
  condition_number: F64.nullable(),
  trivial: z.boolean().nullable(),
  initial_params: F64Array.nullable(),
  final_params: F64Array.nullable(),
  eigenvalues: F64Array.nullable(),
  engine: z.string(),
  backend: z.string().nullable(),
  wall_ms: F64,
  worker: z.string(),
  task: z.string(),
});

export const HistoryWire = z
  .strictObject({
    iteration: I32Array,
    loss: F64Array,
    grad_norm: F64Array,
    grad_norm_inner: F64Array,
    grad_norm_outer: F64Array,
    orthogonality: F64Array,
    output_norm_ratio: F64Array,
    step_norm: F64Array,
  })
  .superRefine((h, ctx) => {
    const n = h.iteration.length;
    for (const [k, v] of Object.entries(h))
      if (v.length !== n)
        ctx.addIssue({ code: 'custom', path: [k], message: `has ${v.length} values, iteration has ${n}` });
  });

/** A received `trials` row (README, "Results"). */
export const TrialsRowWire = z.strictObject({
  task_id: z.string().regex(/^[0-9a-f]{20}$/),
  config: z.string().regex(/^[0-9a-f]{12}$/),
  study: z.string(),
  ensemble: z.enum(['paper', 'goe']),
  model: z.enum(['dense', 'tridiagonal']),
  method: z.enum(['census', 'index']),
  n: int,
  first_trial: int,
  trials: int,
  key: z.string(),
  singular_tol: F64,
  positive_definite: int,
  negative_definite: int,
  indefinite: int,
  singular: int,
  message: z.string(),
  index_histogram: F64Array.nullable(),
  eig_hist_edges: F64Array.nullable(),
  eig_hist_counts: F64Array.nullable(),
  eig_hist_below: F64.nullable(),
  eig_hist_above: F64.nullable(),
  wall_ms: F64,
  worker: z.string(),
  task: z.string(),
});

export const ResultWire = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('run'), row: RunRowWire, history: HistoryWire.nullable() }),
  z.strictObject({ kind: z.literal('trials'), row: TrialsRowWire }),
]);

// Compile-time check that the schemas produce exactly the shared types: a column added to a row
// type must be added here too (and a column here must exist there).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesMatch: [
  Same<keyof z.output<typeof RunRowWire>, keyof RunRow>,
  z.output<typeof RunRowWire> extends RunRow ? true : false,
  Same<keyof z.output<typeof HistoryWire>, keyof HistoryColumns>,
  z.output<typeof HistoryWire> extends HistoryColumns ? true : false,
  Same<keyof z.output<typeof TrialsRowWire>, keyof TrialsRow>,
  z.output<typeof TrialsRowWire> extends TrialsRow ? true : false,
  z.output<typeof ResultWire> extends Result ? true : false,
] = [true, true, true, true, true, true, true];
void typesMatch;

/**
 * What a worker sends back for a task. `worker` names the worker process (host:pid), which the
 * coordinator counts; a failure is a task the worker could not turn into a result (it crashed the
 * workers `max deliveries` times, its message was unreadable, the pool failed): the coordinator
 * records it as a row with status `error`.
 */
export const WorkerMessage = z.discriminatedUnion('kind', [
  z.strictObject({
    v: z.literal(WIRE_VERSION),
    kind: z.literal('result'),
    worker: z.string(),
    result: ResultWire,
  }),
  z.strictObject({
    v: z.literal(WIRE_VERSION),
    kind: z.literal('failure'),
    worker: z.string(),
    task_id: z.string().regex(/^[0-9a-f]{20}$/),
    message: z.string(),
  }),
]);
export type WorkerMessage = z.output<typeof WorkerMessage>;

export function encodeResultMessage(result: Result, worker: string): Uint8Array {
  const wire = {
    v: WIRE_VERSION,
    kind: 'result',
    worker,
    result:
      result.kind === 'run'
        ? {
            kind: result.kind,
            row: encodeRecord(result.row),
            history: result.history ? encodeRecord(result.history) : null,
          }
        : { kind: result.kind, row: encodeRecord(result.row) },
  };
  return utf8.encode(JSON.stringify(wire));
}

export function encodeFailureMessage(taskId: string, message: string, worker: string): Uint8Array {
  return utf8.encode(JSON.stringify({ v: WIRE_VERSION, kind: 'failure', worker, task_id: taskId, message }));
}

/** A worker's reply as the coordinator receives it: validated field by field, floats exact. */
export function decodeWorkerMessage(data: Uint8Array): WorkerMessage {
  return parseWith(WorkerMessage, parseJson(data, 'worker message'), 'worker message');
}
