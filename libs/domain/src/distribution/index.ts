export * from './types';
export * from './state';
export { distributionDecider, policyInForce } from './distribution';
export { bandAt, bandSlices } from './allocation';
