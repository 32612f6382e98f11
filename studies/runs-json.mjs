// The runs of an out dir (its tables and the journal of a run still going) as JSON lines, for tools without an Arrow reader (studies/torch-crosscheck.py):
//   node studies/runs-json.mjs OUT_DIR [--problem mlp-regression]
// Each line: the row's scalar columns, its task, and initial_params / final_params as number arrays
// (JSON numbers are JavaScript's shortest round-trip form: a float64 reads back bit for bit).
import { loadResults } from '../dist/coordinator/store/read.js';

const [dir, flag, problem] = process.argv.slice(2);
if (!dir || (flag !== undefined && (flag !== '--problem' || !problem))) {
  console.error('usage: node studies/runs-json.mjs OUT_DIR [--problem KIND]');
  process.exit(2);
}
const SCALARS = [
  'task_id',
  'problem',
  'optimizer',
  'seed',
  'problem_params',
  'optimizer_params',
  'status',
  'message',
  'iterations',
  'loss',
  'grad_norm',
  'output_norm_ratio',
  'trivial',
  'point_class',
  'task',
];
for (const r of loadResults(dir).runs) {
  if (problem && r.problem !== problem) continue;
  const o = Object.fromEntries(SCALARS.map((k) => [k, r[k]]));
  for (const k of ['initial_params', 'final_params']) o[k] = r[k] ? Array.from(r[k]) : null;
  process.stdout.write(`${JSON.stringify(o)}\n`);
}
