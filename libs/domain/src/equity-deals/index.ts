export * from './types';
export { EquityState, GrantedDeal } from './state';
export { equityDecider, equityStream } from './equity';
export { capTable } from './cap-table';
