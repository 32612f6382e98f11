export { type Activation, sineActivation, tanhActivation } from './activation.js';
export { BasisLoss } from './basis-loss.js';
export { type InitScheme, initParams } from './init.js';
export { inputJets, type JetShape, jetShape } from './jets.js';
export { fanIn, type ParamLayout, paramLayout } from './layout.js';
export { type LossPass, lossGradient } from './loss-gradient.js';
export { lossHessian } from './loss-hessian.js';
export { type Forward, forward, type Mlp } from './mlp.js';
export { activationOf, buildNet, NET_FIELDS, type NetParams } from './spec.js';
