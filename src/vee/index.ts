/**
 * VEE: validation, estimation and editing of interval data (docs/vee.md). Pure functions over
 * columnar series; no I/O. The services layer loads the inputs (window, history, registers, events,
 * stored version) and stores the result as a new version with its findings and explanations.
 */
export { runVee, type VeeOptions } from './engine.ts';
export { finalizeEstimates, type FinalizeResult } from './finalize.ts';
export { mergeVersions, MERGE, type MergeResult } from './merge.ts';
export {
  DEFAULT_RULE_SET, DEFAULT_ESTIMATION, assertRuleSet, classFor, diffRuleSets, resolveRuleSet, ruleSetFingerprint,
  type EstimationConfig, type EstimationMethod, type ResolvedRuleSet, type RuleConfig, type RuleSet, type RuleSetChange, type RuleSetClass,
} from './rule-set.ts';
export { RULES } from './rules/registry.ts';
export { apportion } from './estimators/apportion.ts';
export { interpolate } from './estimators/linear.ts';
export { DEFAULT_EVENT_CODES, METHOD, METHOD_NAMES, REASON } from './codes.ts';
export type { EventCodes } from './periods.ts';
export * from './types.ts';
