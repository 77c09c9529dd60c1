export * from './types';
export * from './state';
export { distributionDecider, policyInForce } from './distribution';
export { bandAt, bandSlices } from './allocation';
export { DISTRIBUTION_SNAPSHOT_VERSION, decodeDistribution, encodeDistribution } from './snapshot';
