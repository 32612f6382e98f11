import { Buffer } from 'node:buffer';
import { z } from 'zod';
import type { Column, RowOf } from './columns.js';
import { describeIssue } from './errors.js';
import type { HistoryColumns, Result } from './result.js';
import { HISTORY_COLUMNS, RUN_COLUMNS } from './runs-columns.js';
import { Task, taskContent, taskId } from './task.js';
import { TASK_ID } from './task-id.js';
import { TRIAL_COLUMNS } from './trials-columns.js';

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

/** What one cell of `c` is on the wire: its type, values, pattern and nullability checked. */
function cellWire(c: Column): z.ZodType {
  const cell = (): z.ZodType => {
    switch (c.type) {
      case 'utf8':
        if (c.values) return z.enum(c.values as [string, ...string[]]);
        return c.pattern ? z.string().regex(c.pattern) : z.string();
      case 'i32':
        return int;
      case 'f64':
        return c.integer ? int : F64;
      case 'bool':
        return z.boolean();
      case 'f64[]':
        return F64Array;
    }
  };
  return c.nullable ? cell().nullable() : cell();
}

/** A received row of a table, strict: an unknown or missing column is refused. */
function rowWire<Cs extends readonly Column[]>(columns: Cs) {
  return z.strictObject(
    Object.fromEntries(columns.map((c) => [c.name, cellWire(c)])),
  ) as unknown as z.ZodType<RowOf<Cs>, unknown>;
}

/** A received `runs` row (shared/study/runs-columns.ts). */
export const RunRowWire = rowWire(RUN_COLUMNS);

/** A received history, column-wise: every column as long as `iteration`. */
export const HistoryWire = z
  .strictObject(
    Object.fromEntries(
      HISTORY_COLUMNS.filter((c) => c.name !== 'task_id').map((c) => [
        c.name,
        c.type === 'i32' ? I32Array : F64Array,
      ]),
    ),
  )
  .superRefine((h, ctx) => {
    const n = (h.iteration as Int32Array).length;
    for (const [k, v] of Object.entries(h) as [string, ArrayLike<number>][])
      if (v.length !== n)
        ctx.addIssue({ code: 'custom', path: [k], message: `has ${v.length} values, iteration has ${n}` });
  }) as unknown as z.ZodType<HistoryColumns, unknown>;

/** A received `trials` row (shared/study/trials-columns.ts). */
export const TrialsRowWire = rowWire(TRIAL_COLUMNS);

export const ResultWire = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('run'), row: RunRowWire, history: HistoryWire.nullable() }),
  z.strictObject({ kind: z.literal('trials'), row: TrialsRowWire }),
]);

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
    task_id: z.string().regex(TASK_ID),
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
