export * from './terms';
export * from './net-sales';
export * from './period';
export * from './tiers';
export * from './assess';
export * from './minimum';
export * from './restatement';
