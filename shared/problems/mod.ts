import { circle } from './circle.js';
import { circleKktKind, torusKktKind } from './implicit.js';
import type { ProblemKind } from './kind.js';
import { mlpRegression } from './mlp-regression.js';
import { pinn1d } from './pinn-1d.js';
import { pinn2d } from './pinn-2d.js';
import { torus } from './torus.js';

export type { ProblemKind } from './kind.js';
export type { Diagnostics, Evaluation, Objective, SecondOrderEvaluation } from './objective.js';

/** Every problem kind a study may name, by its `kind`. */
export const PROBLEM_KINDS: readonly ProblemKind[] = [
  circle,
  torus,
  circleKktKind,
  torusKktKind,
  mlpRegression,
  pinn1d,
  pinn2d,
];
