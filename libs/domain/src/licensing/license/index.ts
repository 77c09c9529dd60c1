export * from './commands';
export * from './events';
export * from './state';
export * from './license';
export * from './summary';
export { allocateToLicensors } from './assessments';
