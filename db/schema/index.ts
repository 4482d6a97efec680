export * from './accounts';
export * from './audit';
export * from './studies';
export * from './vocabulary';
