export * from './types';
export * from './state';
export { distributionDecider, policyInForce } from './distribution';
export { bandSlices } from './allocation';
