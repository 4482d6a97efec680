export * from './accounts';
export * from './audit';
export * from './studies';
export * from './subjects';
export * from './vocabulary';
