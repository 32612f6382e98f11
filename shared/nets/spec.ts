import { z } from 'zod';
import type { Stream } from '../rng/stream.js';
import { type Activation, sineActivation, tanhActivation } from './activation.js';
import type { BiasInit } from './init.js';
import type { JetShape } from './jets.js';
import { type ParamLayout, paramLayout } from './layout.js';
import type { Mlp } from './mlp.js';

/**
 * The network part of a problem spec, flat so that a study can sweep any of it
 * (`sweep: { width: [5, 10, 20, 40] }`). Defaults are the paper's architecture (§3: two hidden
 * layers, tanh, Xavier normal); ω, m and σ defaults are ours.
 */
export const NET_FIELDS = {
  /** Units per hidden layer. */
  width: z.number().int().min(1).max(512).default(10),
  /** Hidden layers. */
  depth: z.number().int().min(1).max(8).default(2),
  activation: z.enum(['tanh', 'sin']).default('tanh'),
  /** Frequency ω of sin(ω z) (SIREN); ignored by tanh. */
  omega: z.number().positive().default(1),
  init: z.enum(['xavier-normal', 'xavier-uniform', 'siren']).default('xavier-normal'),
  /** Fourier features m (0: none); the embedding [cos 2πBx, sin 2πBx] has 2m inputs. */
  fourierFeatures: z.number().int().min(0).max(512).default(0),
  /** Standard deviation σ of the entries of B ~ N(0, σ²), drawn from the task's problem stream. */
  fourierSigma: z.number().positive().default(1),
  /**
   * Hidden-layer biases, independent of `init` (nets/init.ts): zeros, torch-default
   * (U(±1/√fan_in), as nn.Linear) or normal (N(0, biasScale²)). No default: absent, `init`'s own
   * rule holds and the task's content (and id) is what it was before the field existed.
   */
  biasInit: z.enum(['zeros', 'torch-default', 'normal']).optional(),
  /** Standard deviation of `biasInit: normal` (required with it, not allowed without). */
  biasScale: z.number().positive().optional(),
};

/** The checks across network fields; each problem schema runs it (`.check(checkNetFields)`). */
export function checkNetFields(ctx: z.core.ParsePayload<{ biasInit?: string; biasScale?: number }>): void {
  const { biasInit, biasScale } = ctx.value;
  const issue = (message: string) =>
    ctx.issues.push({ code: 'custom', input: ctx.value, path: ['biasScale'], message });
  if (biasInit === 'normal' && biasScale === undefined) issue('required with biasInit: normal');
  if (biasInit !== 'normal' && biasScale !== undefined) issue('only allowed with biasInit: normal');
}

/** The bias rule of a network's parameters (undefined: the weight scheme's). */
export function biasInitOf(p: NetParams): BiasInit | undefined {
  switch (p.biasInit) {
    case undefined:
      return undefined;
    case 'normal':
      return { kind: 'normal', scale: p.biasScale ?? Number.NaN };
    default:
      return { kind: p.biasInit };
  }
}

export interface NetParams {
  width: number;
  depth: number;
  activation: 'tanh' | 'sin';
  omega: number;
  init: 'xavier-normal' | 'xavier-uniform' | 'siren';
  fourierFeatures: number;
  fourierSigma: number;
  biasInit?: 'zeros' | 'torch-default' | 'normal';
  biasScale?: number;
}

export function activationOf(p: NetParams): Activation {
  return p.activation === 'tanh' ? tanhActivation : sineActivation(p.omega);
}

/** The network and its (untrained) Fourier matrix B (m × d, or null). */
export function buildNet(
  p: NetParams,
  shape: JetShape,
  rng: Stream,
): { net: Mlp; fourier: Float64Array | null } {
  const fourier =
    p.fourierFeatures > 0
      ? rng.fillNormal(new Float64Array(p.fourierFeatures * shape.d), 0, p.fourierSigma)
      : null;
  return { net: { layout: netLayout(p, shape.d), shape, activation: activationOf(p) }, fourier };
}

/** Where the parameters of the network of `p` on d-dimensional inputs live (layout.ts). */
export function netLayout(p: NetParams, d: number): ParamLayout {
  const inputs = p.fourierFeatures > 0 ? 2 * p.fourierFeatures : d;
  return paramLayout(
    inputs,
    Array.from({ length: p.depth }, () => p.width),
  );
}
