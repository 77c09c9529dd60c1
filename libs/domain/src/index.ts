export * from './shared/decider';
export * from './shared/domain-error';
export * from './parties/party';
export * from './money';
export * from './licensing/royalty';
export * from './licensing/calendar';
export * from './licensing/license';
export * from './patents';
