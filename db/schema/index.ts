export * from './accounts';
export * from './audit';
export * from './studies';
export * from './subjects';
export * from './visits';
export * from './vocabulary';
export * from './safety';
export * from './exchange';
