import type { z } from 'zod';
import type { Stream } from '../rng/stream.js';
import type { Objective } from './objective.js';

/**
 * The size of a problem's objective, known from its spec without building it (the cost estimates
 * and bounds of shared/study/cost.ts): n parameters, and for a network the shape of its passes.
 */
export interface ProblemSize {
  /** Parameters n: the Hessian is n × n. */
  readonly n: number;
  readonly net?: {
    /** Points N and jet channels C: every pass touches N·C values per unit. */
    readonly N: number;
    readonly C: number;
    /** Input features d₀ and hidden widths w₁ … w_L. */
    readonly inputs: number;
    readonly widths: readonly number[];
    /** The spec field that sets N (`points`, `grid`), for messages. */
    readonly pointsField: string;
  };
}

/**
 * A problem kind: its spec schema (a strict zod object whose `kind` is a literal, with defaults
 * filled in) and a factory. `rng` is the task's problem stream, for any random but untrained
 * part of the objective (Fourier-feature matrices); it is not the parameter-init stream.
 */
export interface ProblemKind<S extends z.ZodObject = z.ZodObject> {
  readonly kind: string;
  readonly schema: S;
  create(params: z.output<S>, rng: Stream): Objective;
  size(params: z.output<S>): ProblemSize;
}
