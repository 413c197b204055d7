export * from './spec';
export * from './problems';
export * from './defaults';
export * from './define';
export * from './validate';
export * from './releases';
