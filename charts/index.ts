export * from './synthesize';
export * from './schema';
export * from './yaml';
export * from './workload';
export * from './autoscaling';
export * from './config-map';
export * from './namespace';
export * from './labels';
