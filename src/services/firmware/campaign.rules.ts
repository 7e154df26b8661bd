import { DateTime } from 'luxon';
import { MeterstackError, type Meter } from '../../model/index.ts';
import type { FirmwareCampaignState, FirmwareJobState } from '../../store/store.port.ts';

/** Pure rules of firmware campaigns: the state table, settings, the time window and wave planning. */

export type CampaignEvent = 'start' | 'halt' | 'threshold' | 'resume' | 'complete' | 'cancel';

/** STYLE.md §3: state machines are tables; anything not listed is refused with FIRMWARE_CAMPAIGN_STATE. */
export const CAMPAIGN_TRANSITIONS: Readonly<Record<FirmwareCampaignState, Partial<Record<CampaignEvent, FirmwareCampaignState>>>> = {
  draft: { start: 'running', cancel: 'cancelled' },
  running: { halt: 'halted', threshold: 'halted', complete: 'completed', cancel: 'cancelled' },
  halted: { resume: 'running', cancel: 'cancelled' },
  completed: {},
  cancelled: {},
};

export function transition(state: FirmwareCampaignState, event: CampaignEvent, id: string): FirmwareCampaignState {
  const next = CAMPAIGN_TRANSITIONS[state][event];
  if (next === undefined) throw new MeterstackError('FIRMWARE_CAMPAIGN_STATE', `campaign ${id} is ${state}: it cannot ${event}`, { details: { state, event } });
  return next;
}

export const CAMPAIGN_STATES: readonly FirmwareCampaignState[] = ['draft', 'running', 'halted', 'completed', 'cancelled'];
export const JOB_STATES: readonly FirmwareJobState[] = ['pending', 'transferring', 'verifying', 'activating', 'succeeded', 'failed', 'skipped'];
export const IN_FLIGHT: readonly FirmwareJobState[] = ['transferring', 'verifying', 'activating'];
export const SKIP_REASONS = ['no-path', 'already-on-version', 'wrong-model', 'cancelled', 'meter-removed'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface CampaignTarget {
  readonly vendor?: string;
  readonly models?: readonly string[];
  /** Current firmware versions to include. */
  readonly firmware?: readonly string[];
  readonly gridArea?: string;
  readonly feederId?: string;
  readonly transformerId?: string;
  readonly meterIds?: readonly string[];
}

/** Local time of day window, `from` inclusive, `to` exclusive; from > to wraps over midnight. */
export interface TimeWindow {
  readonly zone: string;
  readonly from: string;
  readonly to: string;
}

export interface CampaignSettings {
  /** Meters in the canary wave (wave 0). */
  readonly canary: number;
  /** Meters in each later wave. */
  readonly batch: number;
  /** Share of failed meters of a wave (failed / finished) above which the campaign halts itself, 0..1. */
  readonly threshold: number;
  /** Upgrades at once. */
  readonly concurrency: number;
  readonly window?: TimeWindow;
}

export const DEFAULT_SETTINGS: CampaignSettings = { canary: 5, batch: 50, threshold: 0.1, concurrency: 10 };
export const MAX_TARGET_IDS = 100_000;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "HH:MM" (24 h) to minutes after midnight. */
export function parseTimeOfDay(s: unknown): number {
  const m = typeof s === 'string' ? TIME.exec(s) : null;
  if (!m) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', `time of day ${JSON.stringify(s)?.slice(0, 20)} is not HH:MM (00:00–23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function parseWindow(w: unknown): TimeWindow {
  const o = w as Partial<TimeWindow> | null;
  if (typeof o !== 'object' || o === null) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', 'window must be {zone, from, to}');
  if (typeof o.zone !== 'string' || !DateTime.now().setZone(o.zone).isValid) {
    throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', `window zone ${JSON.stringify(o.zone)?.slice(0, 40)} is not an IANA time zone`);
  }
  const from = parseTimeOfDay(o.from);
  const to = parseTimeOfDay(o.to);
  if (from === to) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', 'window from and to are equal: leave the window out to allow any time');
  return { zone: o.zone, from: o.from as string, to: o.to as string };
}

/** Whether a new upgrade may start at `at` (epoch seconds). */
export function inWindow(w: TimeWindow | undefined, at: number): boolean {
  if (w === undefined) return true;
  const t = DateTime.fromSeconds(at, { zone: w.zone });
  const m = t.hour * 60 + t.minute;
  const from = parseTimeOfDay(w.from);
  const to = parseTimeOfDay(w.to);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

const int = (v: unknown, name: string, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', `${name} must be an integer ${min}–${max}`);
  }
  return v;
};

export function parseSettings(input: Partial<Record<keyof CampaignSettings, unknown>>): CampaignSettings {
  const threshold = input.threshold ?? DEFAULT_SETTINGS.threshold;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', 'threshold must be a share 0–1 (0.1 = more than 10 % failed halts)');
  return {
    canary: int(input.canary ?? DEFAULT_SETTINGS.canary, 'canary', 1, 10_000),
    batch: int(input.batch ?? DEFAULT_SETTINGS.batch, 'batch', 1, 100_000),
    threshold,
    concurrency: int(input.concurrency ?? DEFAULT_SETTINGS.concurrency, 'concurrency', 1, 1000),
    ...(input.window !== undefined && input.window !== null ? { window: parseWindow(input.window) } : {}),
  };
}

const text = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', `${name} must be a string of 1–200 characters`);
  return v;
};
const list = (v: unknown, name: string, max = 1000): string[] => {
  if (!Array.isArray(v) || v.length === 0 || v.length > max) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', `${name} must be a list of 1–${max} strings`);
  return v.map((x, i) => text(x, `${name}[${i}]`));
};

export function parseTarget(t: unknown): CampaignTarget {
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', 'target must be an object');
  const o = t as Record<string, unknown>;
  const known = ['vendor', 'models', 'firmware', 'gridArea', 'feederId', 'transformerId', 'meterIds'];
  const extra = Object.keys(o).filter((k) => !known.includes(k));
  if (extra.length > 0) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', `target has unknown field(s) ${extra.join(', ')}; known: ${known.join(', ')}`);
  const out: { -readonly [K in keyof CampaignTarget]: CampaignTarget[K] } = {};
  for (const k of ['vendor', 'gridArea', 'feederId', 'transformerId'] as const) if (o[k] !== undefined) out[k] = text(o[k], `target.${k}`);
  for (const k of ['models', 'firmware'] as const) if (o[k] !== undefined) out[k] = list(o[k], `target.${k}`);
  if (o.meterIds !== undefined) out.meterIds = [...new Set(list(o.meterIds, 'target.meterIds', MAX_TARGET_IDS))];
  return out;
}

/** Whether the meter matches the target's own criteria (meter ids, grid area and feeder/transformer are applied by the query). */
export function matchesTarget(m: Meter, t: CampaignTarget): boolean {
  if (t.vendor !== undefined && m.vendor !== t.vendor) return false;
  if (t.models !== undefined && !t.models.includes(m.model ?? '')) return false;
  if (t.firmware !== undefined && !t.firmware.includes(m.firmware ?? '')) return false;
  if (t.feederId !== undefined && m.grid?.feederId !== t.feederId) return false;
  if (t.transformerId !== undefined && m.grid?.transformerId !== t.transformerId) return false;
  return true;
}

/** Why a meter is left out of an image's campaign, or undefined if the image is for it. */
export function skipReason(m: Meter, image: { vendor: string; models: readonly string[]; version: string }, reachable: boolean | undefined): SkipReason | undefined {
  if (m.status === 'removed') return 'meter-removed';
  if (m.vendor !== image.vendor || !image.models.includes(m.model ?? '')) return 'wrong-model';
  if (m.firmware === image.version) return 'already-on-version';
  if (reachable === false) return 'no-path';
  return undefined;
}

/** Wave of the i-th eligible meter (0-based): the first `canary` are wave 0, then `batch` per wave. */
export function waveOf(i: number, s: Pick<CampaignSettings, 'canary' | 'batch'>): number {
  return i < s.canary ? 0 : 1 + Math.floor((i - s.canary) / s.batch);
}

export function waveCount(eligible: number, s: Pick<CampaignSettings, 'canary' | 'batch'>): number {
  return eligible === 0 ? 0 : waveOf(eligible - 1, s) + 1;
}

/** "Europe/Amsterdam 22:00-05:00" (the CLI's --window) to a window. */
export function parseWindowSpec(spec: string): TimeWindow {
  const m = /^\s*(\S+)\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$/.exec(spec);
  if (!m) throw new MeterstackError('FIRMWARE_CAMPAIGN_INVALID', `window "${spec.slice(0, 60)}" is not "<IANA zone> HH:MM-HH:MM", e.g. "Europe/Amsterdam 22:00-05:00"`);
  return parseWindow({ zone: m[1], from: m[2], to: m[3] });
}
