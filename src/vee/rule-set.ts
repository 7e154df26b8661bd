import { MeterstackError, type Meter } from '../model/index.ts';
import { DEFAULT_EVENT_CODES } from './codes.ts';
import type { EventCodes } from './periods.ts';
import { RULE_BY_ID, RULES } from './rules/registry.ts';
import type { Params, ResolvedRule } from './rules/rule.ts';
import { METHOD_IDS, RULE_IDS, type MethodId, type ParamValue, type RuleAction, type RuleId, type RuleSetStamp, type Severity } from './types.ts';

/** Overrides for one rule; anything left out keeps the rule's default. */
export interface RuleConfig {
  readonly enabled?: boolean;
  readonly severity?: Severity;
  readonly action?: RuleAction;
  readonly reason?: number;
  readonly params?: Readonly<Record<string, ParamValue>>;
}

export type EstimationMethod = Exclude<MethodId, 'register-apportion'>;

export interface EstimationConfig {
  /** Methods tried per run of intervals to estimate, first that applies wins. */
  readonly order?: readonly EstimationMethod[];
  /** Scale estimates so that they and the actual intervals add up to the register's advance. */
  readonly registerBounded?: boolean;
  /** Longest gap linear interpolation fills (seconds). */
  readonly linearMaxGapS?: number;
  /** Weeks of like days to look back. */
  readonly likeDayWeeks?: number;
  /** Days of history a typical profile needs. */
  readonly minHistoryDays?: number;
}

/** A meter class or tariff: which meters it covers and what it changes. */
export interface RuleSetClass {
  readonly name: string;
  /** A meter matches if it carries every tag and is one of the kinds listed. */
  readonly match?: { readonly tags?: readonly string[]; readonly kinds?: readonly string[] };
  readonly rules?: Readonly<Partial<Record<RuleId, RuleConfig>>>;
  readonly estimation?: EstimationConfig;
}

/**
 * A versioned, JSON-safe rule set. `version` is the operator's label; re-validation compares
 * fingerprints (or `diffRuleSets`), which cover the code's defaults as well.
 */
export interface RuleSet {
  readonly id: string;
  readonly version: number;
  readonly description?: string;
  readonly rules?: Readonly<Partial<Record<RuleId, RuleConfig>>>;
  readonly estimation?: EstimationConfig;
  readonly events?: Partial<EventCodes>;
  /** Meter tags that mean generation is registered (export is expected). */
  readonly generationTags?: readonly string[];
  /** Tried in order; the first match (or the class named by the caller) applies. */
  readonly classes?: readonly RuleSetClass[];
}

export interface ResolvedRuleSet {
  readonly stamp: RuleSetStamp;
  readonly rules: Readonly<Record<RuleId, ResolvedRule>>;
  readonly estimation: Required<EstimationConfig>;
  readonly events: EventCodes;
  readonly generationTags: readonly string[];
}

export const DEFAULT_ESTIMATION: Required<EstimationConfig> = {
  order: ['zero', 'linear', 'average-like-day', 'like-day', 'typical-profile'],
  registerBounded: true,
  linearMaxGapS: 7200,
  likeDayWeeks: 4,
  minHistoryDays: 3,
};

export const DEFAULT_RULE_SET: RuleSet = {
  id: 'default',
  version: 1,
  description: 'meterstack defaults: AEMO Part B substitution types, MDFF flags, Oracle/Itron/CA VEE practice',
  generationTags: ['pv', 'wind', 'chp', 'generation', 'battery'],
  classes: [
    { name: 'pv', match: { tags: ['pv'] }, rules: { 'zero-run': { params: { minHours: 24 } } } },
    { name: 'business', match: { tags: ['business'] }, rules: { 'zero-run': { params: { minHours: 36 } } } },
  ],
};

function invalid(path: string, why: string): never {
  throw new MeterstackError('VEE_RULESET_INVALID', `rule set ${path}: ${why}`);
}

const SEVERITIES: readonly string[] = ['info', 'warning', 'error'];
const ACTIONS: readonly string[] = ['flag', 'invalidate', 'annotate'];
const EVENT_KEYS = Object.keys(DEFAULT_EVENT_CODES) as (keyof EventCodes)[];
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function checkKeys(path: string, x: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(x)) if (!allowed.includes(k)) invalid(`${path}.${k}`, `unknown key (known: ${allowed.join(', ')})`);
}

function checkRuleConfig(path: string, id: string, c: unknown): void {
  const def = RULE_BY_ID.get(id as RuleId);
  if (def === undefined) invalid(path, `unknown rule "${id}" (known: ${RULE_IDS.join(', ')})`);
  if (!isObject(c)) invalid(path, 'must be an object');
  checkKeys(path, c, ['enabled', 'severity', 'action', 'reason', 'params']);
  if (c.enabled !== undefined && typeof c.enabled !== 'boolean') invalid(`${path}.enabled`, 'must be true or false');
  if (c.severity !== undefined && !SEVERITIES.includes(c.severity as string)) invalid(`${path}.severity`, `must be one of ${SEVERITIES.join(', ')}`);
  if (c.action !== undefined && !ACTIONS.includes(c.action as string)) invalid(`${path}.action`, `must be one of ${ACTIONS.join(', ')}`);
  if (c.reason !== undefined && !(Number.isInteger(c.reason) && (c.reason as number) >= 0 && (c.reason as number) <= 255)) invalid(`${path}.reason`, 'must be an MDFF reason code 0..255');
  if (c.params === undefined) return;
  if (!isObject(c.params)) invalid(`${path}.params`, 'must be an object');
  for (const [k, v] of Object.entries(c.params)) {
    const d = def.params[k];
    if (d === undefined) invalid(`${path}.params.${k}`, `unknown parameter of ${id} (known: ${Object.keys(def.params).join(', ') || 'none'})`);
    if (typeof d === 'boolean' && typeof v !== 'boolean') invalid(`${path}.params.${k}`, 'must be true or false');
    if (typeof d === 'number' && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) invalid(`${path}.params.${k}`, 'must be a finite number ≥ 0');
  }
}

function checkRules(path: string, rules: unknown): void {
  if (rules === undefined) return;
  if (!isObject(rules)) invalid(path, 'must be an object keyed by rule id');
  for (const [id, c] of Object.entries(rules)) checkRuleConfig(`${path}.${id}`, id, c);
}

function checkEstimation(path: string, e: unknown): void {
  if (e === undefined) return;
  if (!isObject(e)) invalid(path, 'must be an object');
  checkKeys(path, e, Object.keys(DEFAULT_ESTIMATION));
  if (e.order !== undefined) {
    if (!Array.isArray(e.order)) invalid(`${path}.order`, 'must be a list of methods');
    for (const m of e.order) if (!METHOD_IDS.includes(m as MethodId) || m === 'register-apportion') invalid(`${path}.order`, `unknown method "${String(m)}"`);
  }
  if (e.registerBounded !== undefined && typeof e.registerBounded !== 'boolean') invalid(`${path}.registerBounded`, 'must be true or false');
  for (const k of ['linearMaxGapS', 'likeDayWeeks', 'minHistoryDays'] as const) {
    const v = e[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0)) invalid(`${path}.${k}`, 'must be an integer ≥ 0');
  }
}

const stringList = (path: string, v: unknown): void => {
  if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) invalid(path, 'must be a list of strings');
};

/** Check a rule set read from JSON (a file, the API): unknown rules or parameters and wrong types fail. */
export function assertRuleSet(x: unknown): RuleSet {
  if (!isObject(x)) invalid('', 'must be an object');
  checkKeys('', x, ['id', 'version', 'description', 'rules', 'estimation', 'events', 'generationTags', 'classes']);
  if (typeof x.id !== 'string' || x.id === '') invalid('.id', 'must be a non-empty string');
  if (!(Number.isInteger(x.version) && (x.version as number) >= 0)) invalid('.version', 'must be an integer ≥ 0');
  if (x.description !== undefined && typeof x.description !== 'string') invalid('.description', 'must be a string');
  checkRules('.rules', x.rules);
  checkEstimation('.estimation', x.estimation);
  stringList('.generationTags', x.generationTags);
  if (x.events !== undefined) {
    if (!isObject(x.events)) invalid('.events', 'must be an object');
    checkKeys('.events', x.events, EVENT_KEYS);
    for (const [k, v] of Object.entries(x.events)) {
      if (!(Array.isArray(v) && v.every((c) => Number.isInteger(c) && c >= 0))) invalid(`.events.${k}`, 'must be a list of event codes');
    }
  }
  if (x.classes !== undefined) {
    if (!Array.isArray(x.classes)) invalid('.classes', 'must be a list');
    const names = new Set<string>();
    x.classes.forEach((c: unknown, k: number) => {
      const p = `.classes[${k}]`;
      if (!isObject(c)) invalid(p, 'must be an object');
      checkKeys(p, c, ['name', 'match', 'rules', 'estimation']);
      if (typeof c.name !== 'string' || c.name === '' || c.name === 'default') invalid(`${p}.name`, 'must be a non-empty string other than "default"');
      if (names.has(c.name)) invalid(`${p}.name`, `"${c.name}" appears twice`);
      names.add(c.name);
      if (c.match !== undefined) {
        if (!isObject(c.match)) invalid(`${p}.match`, 'must be an object');
        checkKeys(`${p}.match`, c.match, ['tags', 'kinds']);
        stringList(`${p}.match.tags`, c.match.tags);
        stringList(`${p}.match.kinds`, c.match.kinds);
      }
      checkRules(`${p}.rules`, c.rules);
      checkEstimation(`${p}.estimation`, c.estimation);
    });
  }
  return x as unknown as RuleSet;
}

function matches(c: RuleSetClass, meter: Meter): boolean {
  const m = c.match;
  if (m === undefined) return false;
  if (m.kinds !== undefined && !m.kinds.includes(meter.kind)) return false;
  for (const t of m.tags ?? []) if (meter.tags === undefined || !meter.tags.includes(t)) return false;
  return true;
}

/** The class that applies: the one named (meter class or tariff), else the first whose match fits. */
export function classFor(rs: RuleSet, meter: Meter, meterClass?: string): RuleSetClass | undefined {
  if (meterClass !== undefined && meterClass !== 'default') {
    const named = rs.classes?.find((c) => c.name === meterClass);
    if (named === undefined) invalid('.classes', `no class "${meterClass}" in rule set ${rs.id}`);
    return named;
  }
  if (meterClass === 'default' || rs.classes === undefined) return undefined;
  for (const c of rs.classes) if (matches(c, meter)) return c;
  return undefined;
}

function resolveRule(id: RuleId, base: RuleConfig | undefined, over: RuleConfig | undefined): ResolvedRule {
  const def = RULE_BY_ID.get(id)!;
  const params: Record<string, ParamValue> = { ...def.params, ...base?.params, ...over?.params };
  return Object.freeze({
    id,
    enabled: over?.enabled ?? base?.enabled ?? true,
    severity: over?.severity ?? base?.severity ?? def.severity,
    action: over?.action ?? base?.action ?? def.action,
    reason: over?.reason ?? base?.reason ?? def.reason,
    params: Object.freeze(params) as Params,
  });
}

/** Canonical JSON (sorted keys) for fingerprints and diffs. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (isObject(x)) return `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${canonical(x[k])}`).join(',')}}`;
  return JSON.stringify(x) ?? 'null';
}

/** FNV-1a, two 32-bit lanes: a stable 16-hex-digit fingerprint, no crypto needed. */
function fnv(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

type Expanded = Omit<ResolvedRuleSet, 'stamp'>;

function expand(rs: RuleSet, cls: RuleSetClass | undefined): Expanded {
  const rules = {} as Record<RuleId, ResolvedRule>;
  for (const r of RULES) rules[r.id] = resolveRule(r.id, rs.rules?.[r.id], cls?.rules?.[r.id]);
  const events = {} as Record<keyof EventCodes, readonly number[]>;
  for (const k of EVENT_KEYS) events[k] = rs.events?.[k] ?? DEFAULT_EVENT_CODES[k];
  return {
    rules,
    estimation: { ...DEFAULT_ESTIMATION, ...rs.estimation, ...cls?.estimation },
    events,
    generationTags: rs.generationTags ?? DEFAULT_RULE_SET.generationTags!,
  };
}

const cache = new WeakMap<RuleSet, Map<string, ResolvedRuleSet>>();

/** The rules as they apply to one meter. Cached per rule-set object and class. */
export function resolveRuleSet(rs: RuleSet, meter: Meter, meterClass?: string): ResolvedRuleSet {
  const cls = classFor(rs, meter, meterClass);
  const key = cls?.name ?? 'default';
  let byClass = cache.get(rs);
  if (byClass === undefined) cache.set(rs, (byClass = new Map()));
  let hit = byClass.get(key);
  if (hit === undefined) {
    const x = expand(rs, cls);
    hit = { ...x, stamp: { id: rs.id, version: rs.version, className: key, fingerprint: fnv(canonical(x)) } };
    byClass.set(key, hit);
  }
  return hit;
}

/** Fingerprint of a whole rule set: every class expanded with the code's defaults. */
export function ruleSetFingerprint(rs: RuleSet): string {
  return fnv(canonical(Object.fromEntries(classNames(rs).map((n) => [n, expand(rs, n === 'default' ? undefined : rs.classes!.find((c) => c.name === n))]))));
}

const classNames = (rs: RuleSet): string[] => ['default', ...(rs.classes ?? []).map((c) => c.name)];

export interface RuleSetChange {
  /** 'default' or a class name. */
  readonly className: string;
  /** e.g. `rules.spike.params.k`, `estimation.linearMaxGapS`, `class` (added or removed). */
  readonly path: string;
  readonly rule?: RuleId;
  readonly before: unknown;
  readonly after: unknown;
}

function flatten(x: unknown, prefix: string, out: Map<string, string>): void {
  if (isObject(x)) {
    for (const k of Object.keys(x)) flatten(x[k], prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, canonical(x));
  }
}

/**
 * What differs between two rule sets, per class, after expansion with the defaults: re-validation
 * uses it to tell which rules (and so which findings and estimates) can change. Matching rules
 * (`match`) are compared as well, since they decide which meters a class covers.
 */
export function diffRuleSets(before: RuleSet, after: RuleSet): RuleSetChange[] {
  const out: RuleSetChange[] = [];
  const names = [...new Set([...classNames(before), ...classNames(after)])];
  for (const name of names) {
    const cb = name === 'default' ? undefined : before.classes?.find((c) => c.name === name);
    const ca = name === 'default' ? undefined : after.classes?.find((c) => c.name === name);
    if (name !== 'default' && (cb === undefined || ca === undefined)) {
      out.push({ className: name, path: 'class', before: cb ?? null, after: ca ?? null });
      continue;
    }
    if (canonical(cb?.match) !== canonical(ca?.match)) out.push({ className: name, path: 'match', before: cb?.match, after: ca?.match });
    const fb = new Map<string, string>();
    const fa = new Map<string, string>();
    flatten(expand(before, cb), '', fb);
    flatten(expand(after, ca), '', fa);
    for (const path of new Set([...fb.keys(), ...fa.keys()])) {
      const b = fb.get(path);
      const a = fa.get(path);
      if (a === b) continue;
      const rule = path.startsWith('rules.') ? (path.split('.')[1] as RuleId) : undefined;
      out.push({ className: name, path, ...(rule ? { rule } : {}), before: b === undefined ? null : JSON.parse(b), after: a === undefined ? null : JSON.parse(a) });
    }
  }
  return out;
}
