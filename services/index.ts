export * from './spec';
export * from '../core/problems';
export * from './defaults';
export * from './define';
export * from './validate';
export * from './releases';
