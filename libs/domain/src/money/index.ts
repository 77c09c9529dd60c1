export { Big, decimalPlaces } from './big';
export * from './decimal';
export * from './currency';
export * from './money';
export * from './allocate';
