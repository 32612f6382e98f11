import type { Command } from 'commander';
import { formatCostEstimate } from '../../shared/study/cost-format.js';
import { estimateCost } from '../../shared/study/estimate.js';
import { describePlan, planEntries } from '../plan-info.js';
import { planStudy } from '../run-study.js';
import { recordInvocation } from '../versions.js';
import { positiveInt } from './common.js';

interface PlanFlags {
  seeds?: number;
  json?: boolean;
}

const OVERRIDES = [
  '[overrides...]',
  'spec fields to set, key=value (stop.maxIter=50 optimizers[0].lambda=1e-2)',
] as const;

/** `validate` and `plan`: read a spec (with overrides) and expand it, writing nothing. */
export function registerPlan(program: Command): void {
  program
    .command('validate')
    .description(
      'check a study spec (and overrides): parse, validate, expand; print the plan size and its variants; write nothing',
    )
    .argument('<study.yaml>', 'study spec')
    .argument(...OVERRIDES)
    .option('--seeds <n>', 'seeds 0 … n−1 instead of the spec’s', positiveInt('--seeds'))
    .action((specPath: string, overrides: string[], o: PlanFlags) => {
      recordInvocation(overrides);
      const plan = planStudy(specPath, o.seeds, overrides);
      console.log(describePlan(plan));
      // What one task costs, by the cost model the bounds check (shared/study/estimate.ts).
      console.log(`estimates:\n  ${formatCostEstimate(estimateCost(plan.spec)).join('\n  ')}`);
    });
  program
    .command('plan')
    .description(
      'list the tasks of a study spec (and overrides) with their ids and settings, in plan order; write nothing',
    )
    .argument('<study.yaml>', 'study spec')
    .argument(...OVERRIDES)
    .option('--seeds <n>', 'seeds 0 … n−1 instead of the spec’s', positiveInt('--seeds'))
    .option('--json', 'one JSON object per line (JSON Lines)')
    .action(async (specPath: string, overrides: string[], o: PlanFlags) => {
      const plan = planStudy(specPath, o.seeds, overrides);
      // Written as the plan is walked, waiting for the pipe to drain: a 10⁸-task plan streams in
      // bounded memory. A reader that stops early (`| head`) ends the listing quietly.
      const out = process.stdout;
      let closed = false;
      out.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EPIPE') throw e;
        closed = true;
      });
      for (const e of planEntries(plan)) {
        if (closed) break;
        const line = o.json
          ? JSON.stringify(e)
          : `${e.id}  ${e.kind === 'optimize' ? `${e.problem_label} / ${e.optimizer_label} / seed ${e.seed}` : `${e.ensemble} (${e.model}) n=${e.n} trials ${e.first_trial}…${(e.first_trial ?? 0) + (e.trials ?? 0) - 1}`}`;
        if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', r).once('close', r));
      }
    });
}
