export * from './shares';
export * from './patent';
