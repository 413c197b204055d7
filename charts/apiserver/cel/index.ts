export { celErrors, crdIsNamespaced, hasCrd } from './check';
export { celCoverage, type CelCoverage, type RuleGap } from './coverage';
export type { CelResultSet, NotChecked } from './validate';
