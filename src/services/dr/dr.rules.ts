import { MeterstackError, type EpochSeconds } from '../../model/index.ts';
import type { DrEventKind, DrEventRecord, DrLevelRecord, DrTargetSpec } from '../../store/dr.port.ts';
import type { OadrEventLike } from './dr.port.ts';

/** Pure rules of peak events: validation, status from time and cancel, OpenADR → event input. */

export const DR_KINDS = ['critical-peak-price', 'load-reduction', 'price-signal'] as const satisfies readonly DrEventKind[];
export const DR_STATUSES = ['scheduled', 'active', 'completed', 'cancelled'] as const;
export type DrStatus = (typeof DR_STATUSES)[number];
export const MAX_EVENT_S = 48 * 3600;
export const MAX_LEVEL = 3;
const TARGET_KEYS = ['gridAreas', 'feeders', 'transformers', 'premises'] as const;

export interface DrEventInput {
  readonly name: string;
  readonly kind: DrEventKind;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly noticeAt?: EpochSeconds;
  /** The whole event at one level, when `levels` is not given (default 1). */
  readonly level?: number;
  readonly price?: number;
  readonly levels?: readonly DrLevelRecord[];
  readonly targets: DrTargetSpec;
  readonly message?: string;
}

export function statusOf(e: Pick<DrEventRecord, 'start' | 'end' | 'cancelledAt'>, now: EpochSeconds): DrStatus {
  if (e.cancelledAt !== undefined) return 'cancelled';
  return now < e.start ? 'scheduled' : now < e.end ? 'active' : 'completed';
}

const invalid = (msg: string): never => {
  throw new MeterstackError('DR_EVENT_INVALID', msg);
};

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Checks an input and fills defaults; the message names the first field at fault. */
export function normalizeInput(inp: DrEventInput, now: EpochSeconds): Required<Pick<DrEventInput, 'name' | 'kind' | 'start' | 'end' | 'noticeAt' | 'levels' | 'targets'>> & { message?: string } {
  const name = typeof inp.name === 'string' ? inp.name.trim() : '';
  if (name.length < 1 || name.length > 120) invalid('name: 1 to 120 characters');
  if (!(DR_KINDS as readonly string[]).includes(inp.kind)) invalid(`kind: one of ${DR_KINDS.join(', ')}`);
  if (!Number.isSafeInteger(inp.start) || !Number.isSafeInteger(inp.end)) invalid('start, end: whole epoch seconds');
  if (inp.end <= inp.start) invalid('end: after start');
  if (inp.end - inp.start > MAX_EVENT_S) invalid(`end: an event lasts at most ${MAX_EVENT_S / 3600} hours`);
  const noticeAt = inp.noticeAt ?? Math.min(now, inp.start);
  if (!Number.isSafeInteger(noticeAt) || noticeAt > inp.start) invalid('noticeAt: at or before the start');
  if (inp.price !== undefined && (!finite(inp.price) || Math.abs(inp.price) > 100)) invalid('price: a number per kWh within ±100');
  const levels = inp.levels && inp.levels.length > 0
    ? inp.levels.map((l) => ({ start: l.start, end: l.end, level: l.level, ...(l.price !== undefined ? { price: l.price } : {}) }))
    : [{ start: inp.start, end: inp.end, level: inp.level ?? 1, ...(inp.price !== undefined ? { price: inp.price } : {}) }];
  let at = inp.start;
  levels.forEach((l, i) => {
    if (l.start !== at || !(l.end > l.start)) invalid(`levels[${i}]: intervals must follow each other from start to end`);
    if (!Number.isInteger(l.level) || l.level < 0 || l.level > MAX_LEVEL) invalid(`levels[${i}].level: an integer 0..${MAX_LEVEL}`);
    if (l.price !== undefined && (!finite(l.price) || Math.abs(l.price) > 100)) invalid(`levels[${i}].price: a number per kWh within ±100`);
    at = l.end;
  });
  if (at !== inp.end) invalid('levels: the last interval must end at the event\'s end');
  const t = inp.targets ?? {};
  const targets: { -readonly [K in keyof DrTargetSpec]: DrTargetSpec[K] } = {};
  if (t.all === true) targets.all = true;
  for (const k of TARGET_KEYS) {
    const list = t[k];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > 10_000 || list.some((x) => typeof x !== 'string' || x.trim() === '' || x.length > 200)) {
      invalid(`targets.${k}: a list of ids`);
    }
    const ids = [...new Set(list.map((x) => x.trim()))];
    if (ids.length) targets[k] = ids;
  }
  if (!targets.all && !TARGET_KEYS.some((k) => targets[k]?.length)) invalid('targets: all, or at least one grid area, feeder, transformer or premise');
  const message = inp.message?.trim();
  if (message !== undefined && message.length > 500) invalid('message: at most 500 characters');
  return { name, kind: inp.kind, start: inp.start, end: inp.end, noticeAt, levels, targets, ...(message ? { message } : {}) };
}

/** The highest level of the event (what a display shows as its colour). */
export const peakLevel = (e: Pick<DrEventRecord, 'levels'>): number => Math.max(0, ...e.levels.map((l) => l.level));

/** The quarter-hour window performance is measured over: the quarter-hours the event touches. */
export function measuredWindow(e: Pick<DrEventRecord, 'start' | 'end'>, intervalS = 900): { start: EpochSeconds; end: EpochSeconds } {
  return { start: Math.floor(e.start / intervalS) * intervalS, end: Math.ceil(e.end / intervalS) * intervalS };
}

const PRICE_SIGNALS = new Set(['ELECTRICITY_PRICE', 'ENERGY_PRICE', 'DEMAND_CHARGE']);
const LOAD_SIGNALS = new Set(['LOAD_CONTROL', 'LOAD_DISPATCH']);

/**
 * One oadrEvent → an event input (docs/demand-response.md § OpenADR). The first signal gives the
 * kind and the levels: SIMPLE levels 0..3 as they are (a critical-peak event); a price signal's
 * values as prices; LOAD_CONTROL/LOAD_DISPATCH as a load-reduction request at level 2. eiTarget:
 * resourceID → premises; groupID/groupName → feeders, transformers or grid areas by the ids the
 * topology knows; otherwise (only venID/partyID) every meter.
 */
export function fromOadrEvent(e: OadrEventLike, vtnId: string, known: { feeders: ReadonlySet<string>; transformers: ReadonlySet<string> }): DrEventInput & { externalKey: string; modification: number } {
  const start = Math.floor(e.startMs / 1000);
  const end = start + Math.round(e.durationS);
  const sig = e.signals[0];
  const kind: DrEventKind = !sig ? 'load-reduction' : PRICE_SIGNALS.has(sig.signalName) ? 'price-signal' : LOAD_SIGNALS.has(sig.signalName) ? 'load-reduction' : 'critical-peak-price';
  const levels: DrLevelRecord[] = [];
  let at = start;
  for (const iv of sig?.intervals ?? []) {
    if (at >= end) break;
    const until = Math.min(end, at + Math.round(iv.durationS));
    if (until <= at) continue;
    const level = kind === 'critical-peak-price' ? Math.max(0, Math.min(MAX_LEVEL, Math.round(iv.value))) : 2;
    levels.push({ start: at, end: until, level, ...(kind === 'price-signal' ? { price: iv.value } : {}) });
    at = until;
  }
  if (levels.length > 0 && at < end) levels.push({ ...levels[levels.length - 1]!, start: at, end });
  const groups = [...(e.targets.groupID ?? []), ...(e.targets.groupName ?? [])];
  const premises = [...(e.targets.resourceID ?? [])];
  const feeders = groups.filter((g) => known.feeders.has(g));
  const transformers = groups.filter((g) => known.transformers.has(g));
  const gridAreas = groups.filter((g) => !known.feeders.has(g) && !known.transformers.has(g));
  const targets: DrTargetSpec = groups.length + premises.length === 0 ? { all: true } : {
    ...(feeders.length ? { feeders } : {}), ...(transformers.length ? { transformers } : {}), ...(gridAreas.length ? { gridAreas } : {}), ...(premises.length ? { premises } : {}),
  };
  return {
    name: (e.vtnComment ?? `${vtnId} ${sig?.signalName ?? 'event'}`).slice(0, 120) || e.eventId.slice(0, 120),
    kind, start, end, levels, targets,
    ...(e.notificationS !== null ? { noticeAt: start - Math.max(0, Math.round(e.notificationS)) } : {}),
    externalKey: `${vtnId}/${e.eventId}`, modification: e.modificationNumber,
  };
}
