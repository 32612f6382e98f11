import { z } from 'zod';

/**
 * Compute engines of an optimizer run (README, "Engines"):
 * - `f64`: the exact float64 path (shared/run-task.ts); the default, and the only one for
 *   second-order optimizers.
 * - `tfjs`: batched float32 first-order training in @tensorflow/tfjs (worker/engines/tfjs), for
 *   ADAM and fixed-step gradient descent on network problems.
 * An optimizer field, optional and without a default: a spec without `engine` means f64 and writes
 * nothing into the task, so task ids of studies written before engines existed do not change (what
 * an engine may run, and `engine: f64` dropped at expansion: engine.ts). A file of its own because
 * the optimizer schemas (optimizers/mod.ts) use it and engine.ts reads those schemas.
 */
export const Engine = z.enum(['f64', 'tfjs']);
export type Engine = z.output<typeof Engine>;
