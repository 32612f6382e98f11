import type { z } from 'zod';
import type { Stream } from '../rng/stream.js';
import type { Objective } from './objective.js';

/**
 * A problem kind: its spec schema (a strict zod object whose `kind` is a literal, with defaults
 * filled in) and a factory. `rng` is the task's problem stream, for any random but untrained
 * part of the objective (Fourier-feature matrices); it is not the parameter-init stream.
 */
export interface ProblemKind<S extends z.ZodObject = z.ZodObject> {
  readonly kind: string;
  readonly schema: S;
  create(params: z.output<S>, rng: Stream): Objective;
}
