import test from 'ava';
import { runTask } from '../../shared/run-task.js';
import { expandStudy } from '../../shared/study/plan.js';
import type { Result, RunResult, TrialsResult } from '../../shared/study/result.js';
import { parseSpec } from '../../shared/study/spec.js';
import type { OptimizeTask } from '../../shared/study/task.js';
import {
  decodeTask,
  decodeWorkerMessage,
  encodeFailureMessage,
  encodeResultMessage,
  encodeTask,
  isWireError,
  WIRE_VERSION,
} from '../../shared/study/wire.js';

const spec = parseSpec(`
name: wire
seed: 5
problem: { kind: torus }
optimizers: [ { kind: newton }, { kind: warm-start, first: { kind: adam }, next: { kind: newton }, steps: 3 } ]
seeds: 2
stop: { maxIter: 20 }
record: { historyStride: 2, eigenvalues: true }
`);
const tasks = expandStudy(spec) as OptimizeTask[];

/** A float64 NaN with a payload JavaScript arithmetic never makes: only a byte copy keeps it. */
function payloadNaNs(): Float64Array {
  const a = new Float64Array(2);
  const v = new DataView(a.buffer);
  v.setUint32(4, 0x7ff80000 | 0x12345, true);
  v.setUint32(0, 0xdeadbeef, true);
  v.setUint32(12, 0xfff00000, true); // a signalling NaN, sign bit set
  v.setUint32(8, 1, true);
  return a;
}

const EDGE = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.EPSILON,
  0.1 + 0.2,
  1 / 3,
  -1e-300,
  123456789.12345679,
];

function edgeResult(): RunResult {
  const r = runTask(tasks[0], { worker: 'host#1' }) as RunResult;
  const row = {
    ...r.row,
    loss: Number.NaN,
    grad_norm: -0,
    eig_min: Number.NEGATIVE_INFINITY,
    eig_max: Number.MIN_VALUE,
    condition_number: Number.POSITIVE_INFINITY,
    output_norm_ratio: Number.MAX_VALUE,
    message: 'NaN', // a string that looks like an encoded float must stay a string
    stationary_point: '-0',
    initial_params: Float64Array.from(EDGE),
    final_params: payloadNaNs(),
    eigenvalues: new Float64Array(0),
  };
  const h = r.history!;
  return {
    kind: 'run',
    row,
    history: { ...h, loss: Float64Array.from(h.loss, (x, i) => EDGE[i % EDGE.length] ?? x) },
  };
}

function trialsResult(): TrialsResult {
  return {
    kind: 'trials',
    row: {
      task_id: '0123456789abcdef0123',
      config: '0123456789ab',
      study: 'hessians',
      ensemble: 'goe',
      model: 'tridiagonal',
      method: 'index',
      n: 1000,
      first_trial: 2 ** 32 - 7,
      trials: 7,
      key: 'k',
      singular_tol: 1e-12,
      positive_definite: 0,
      negative_definite: 0,
      indefinite: 7,
      singular: 0,
      message: '',
      index_histogram: Float64Array.from([0, 1, 2, 4]),
      eig_hist_edges: Float64Array.from([-1.5, 0, 1.5]),
      eig_hist_counts: Float64Array.from([3000, 4000]),
      eig_hist_below: -0,
      eig_hist_above: Number.NaN,
      wall_ms: 1.25,
      worker: 'h#2',
      task: '{}',
    },
  };
}

/** Exactly equal: same keys, scalars by Object.is (NaN = NaN, −0 ≠ 0), typed arrays byte for byte. */
function bitEqual(t: import('ava').ExecutionContext, got: unknown, want: unknown, path = 'result'): void {
  if (want instanceof Float64Array || want instanceof Int32Array) {
    t.is(got?.constructor, want.constructor, `${path}: type`);
    const g = got as Float64Array | Int32Array;
    t.deepEqual(
      new Uint8Array(g.buffer, g.byteOffset, g.byteLength),
      new Uint8Array(want.buffer, want.byteOffset, want.byteLength),
      `${path}: bytes`,
    );
  } else if (want !== null && typeof want === 'object') {
    t.deepEqual(Object.keys(got as object).sort(), Object.keys(want).sort(), `${path}: keys`);
    for (const [k, v] of Object.entries(want))
      bitEqual(t, (got as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else t.true(Object.is(got, want), `${path}: ${String(got)} ≠ ${String(want)}`);
}

function roundTrip(r: Result): Result {
  const m = decodeWorkerMessage(encodeResultMessage(r, 'host:42'));
  if (m.kind !== 'result') throw new Error('not a result');
  return m.result;
}

test('a run result round-trips bit for bit: NaN payloads, ±Infinity, −0, subnormals, history', (t) => {
  const r = edgeResult();
  bitEqual(t, roundTrip(r), r);
  // and every real result of the study too
  for (const task of tasks) {
    const real = runTask(task, { worker: 'w' });
    bitEqual(t, roundTrip(real), real);
  }
});

test('a trials result round-trips bit for bit; the worker name travels with it', (t) => {
  const r = trialsResult();
  bitEqual(t, roundTrip(r), r);
  const m = decodeWorkerMessage(encodeResultMessage(r, 'pod-7:12'));
  t.is(m.worker, 'pod-7:12');
  t.is(m.v, WIRE_VERSION);
});

test('a failure notice round-trips', (t) => {
  const m = decodeWorkerMessage(encodeFailureMessage(tasks[1].id, 'max deliveries', 'h:1'));
  t.deepEqual(m, {
    v: WIRE_VERSION,
    kind: 'failure',
    worker: 'h:1',
    task_id: tasks[1].id,
    message: 'max deliveries',
  });
});

test('a task round-trips and its id is checked against its content', (t) => {
  for (const task of tasks) t.deepEqual(decodeTask(encodeTask(task)), task);
  const tampered = { ...tasks[0], seed: tasks[0].seed + 1 };
  const e = t.throws(() => decodeTask(encodeTask(tampered)));
  t.true(isWireError(e));
  t.regex(e.message, /task message: id [0-9a-f]{20} is not the hash of its content/);
});

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const goodMessage = () => JSON.parse(new TextDecoder().decode(encodeResultMessage(edgeResult(), 'h:1')));

/** Each malformed message and the message that must name what is wrong. */
const rejected: Array<[string, () => Uint8Array, RegExp]> = [
  ['not JSON', () => new TextEncoder().encode('{"v":1,'), /worker message: not UTF-8 JSON/],
  ['not UTF-8', () => Uint8Array.from([0xff, 0xfe, 0x7b]), /worker message: not UTF-8 JSON/],
  ['another version', () => json({ ...goodMessage(), v: 2 }), /^ {2}v: /m],
  [
    'unknown kind',
    () => json({ ...goodMessage(), kind: 'hello' }),
    /kind: must be one of "result", "failure"/,
  ],
  [
    'a missing column',
    () => {
      const m = goodMessage();
      delete m.result.row.loss;
      return json(m);
    },
    /result\.row\.loss: /,
  ],
  [
    'an unknown column',
    () => {
      const m = goodMessage();
      m.result.row.colour = 'red';
      return json(m);
    },
    /result\.row\.colour: unknown key/,
  ],
  [
    'a float as a random string',
    () => {
      const m = goodMessage();
      m.result.row.grad_norm = 'big';
      return json(m);
    },
    /result\.row\.grad_norm: /,
  ],
  [
    'a float64 array cut short',
    () => {
      const m = goodMessage();
      m.result.row.final_params = 'AAAA';
      return json(m);
    },
    /result\.row\.final_params: 3 bytes is not a whole number of float64 values/,
  ],
  [
    'history columns of different lengths',
    () => {
      const m = goodMessage();
      m.result.history.step_norm = 'AAAAAAAAAAA=';
      return json(m);
    },
    /result\.history\.step_norm: has 1 values, iteration has \d+/,
  ],
  [
    'a failure without its task id',
    () => json({ v: 1, kind: 'failure', worker: 'h', message: 'x' }),
    /task_id: /,
  ],
];

for (const [name, make, want] of rejected)
  test(`a worker message with ${name} is refused, naming the field`, (t) => {
    const e = t.throws(() => decodeWorkerMessage(make()));
    t.true(isWireError(e), String(e));
    t.regex(e.message, want);
  });

test('a task message that is not a task is refused, naming the field', (t) => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [new TextEncoder().encode('hello'), /task message: not UTF-8 JSON/],
    [json({ ...tasks[0], kind: 'sleep' }), /task message:\n {2}kind: must be one of/],
    [json({ ...tasks[0], stop: { ...tasks[0].stop, maxIter: -1 } }), /stop\.maxIter: must be >= 0/],
  ];
  for (const [bytes, want] of cases) {
    const e = t.throws(() => decodeTask(bytes));
    t.true(isWireError(e));
    t.regex(e.message, want);
  }
});
