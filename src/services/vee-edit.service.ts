import {
  MeterstackError, obis, QUALITY,
  type Channel, type EpochSeconds, type IntervalSeries, type Meter,
} from '../model/index.ts';
import type { SeriesVersion, Store } from '../store/store.port.ts';
import { interpolate } from '../vee/index.ts';
import type { Clock } from './clock.ts';
import { checkRange } from './range.ts';

export const EDIT_METHODS = ['values', 'linear', 'zero'] as const;
export type EditMethod = (typeof EDIT_METHODS)[number];

export interface EditRequest {
  readonly meterId: string;
  readonly channel: string;
  /** On the channel's grid: [from, to). */
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** 'values': the given ones; 'linear': between the intervals around the range; 'zero'. */
  readonly method: EditMethod;
  readonly values?: readonly number[];
  /** S (default) or F: a final substitute that later estimates do not replace. */
  readonly quality?: 'S' | 'F';
  /** MDFF reason code (1–99), e.g. 24 data correction. */
  readonly reasonCode: number;
  readonly note: string;
  readonly actor: string;
}

export interface EditResult {
  readonly meterId: string;
  readonly channel: string;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly intervals: number;
  /** Intervals stored as a new version (0 if the edit matched what was stored). */
  readonly versioned: number;
  readonly before: { readonly total: number; readonly missing: number };
  readonly after: { readonly total: number };
  /** Exceptions over the range, now marked edited. */
  readonly exceptions: readonly number[];
}

const MAX_EDIT_DAYS = 31;

type EditPorts = Pick<Store, 'getMeter' | 'listChannels' | 'readSeries' | 'readVersions' | 'writeSeries' | 'appendAudit' | 'listExceptions' | 'updateExceptions'>;

function invalid(msg: string): never {
  throw new MeterstackError('VEE_EDIT_INVALID', msg);
}

/**
 * Manual edits: an operator's substitute for a range of one channel, written as a new version
 * (the store keeps every earlier one), with the reason code on each interval and who, what and why
 * in the audit log. Exceptions over the range move to `edited`.
 */
export class VeeEditService {
  constructor(private readonly store: EditPorts, private readonly now: Clock) {}

  private async resolve(meterId: string, channel: string): Promise<{ meter: Meter; ch: Channel }> {
    const meter = await this.store.getMeter(meterId);
    if (!meter) throw new MeterstackError('METER_NOT_FOUND', `no meter "${meterId}"`, { details: { meterId } });
    const code = obis(channel);
    const ch = (await this.store.listChannels(meterId)).find((c) => c.obis === code);
    if (!ch) throw new MeterstackError('CHANNEL_NOT_FOUND', `meter "${meterId}" has no channel ${channel}`, { details: { meterId, channel: code } });
    if (ch.intervalS === 0) invalid(`${code} is a register; only interval channels are edited`);
    return { meter, ch };
  }

  async edit(r: EditRequest): Promise<EditResult> {
    checkRange(r, MAX_EDIT_DAYS);
    const { meter, ch } = await this.resolve(r.meterId, r.channel);
    const step = ch.intervalS;
    if (r.from % step !== 0 || r.to % step !== 0) invalid(`from and to must lie on the channel's ${step} s grid`);
    if (!Number.isInteger(r.reasonCode) || r.reasonCode < 1 || r.reasonCode > 99) invalid('reasonCode is an MDFF reason code, 1 to 99');
    if (r.note.trim() === '') invalid('a note saying why is required');
    const n = (r.to - r.from) / step;
    const values = new Float64Array(n);
    if (r.method === 'values') {
      if (r.values === undefined || r.values.length !== n) invalid(`method "values" needs ${n} values for the range, got ${r.values?.length ?? 0}`);
      r.values.forEach((v, i) => {
        if (!Number.isSafeInteger(v)) invalid(`value ${i} (${v}) is not an integer in the stored unit`);
        values[i] = v;
      });
    } else if (r.method === 'linear') {
      const around = await this.store.readSeries(meter.id, ch.obis, r.from - step, r.to + step);
      if (around.quality[0] === QUALITY.N || around.quality[n + 1] === QUALITY.N) invalid('linear needs a value in the interval before and after the range');
      interpolate(around.values[0]!, around.values[n + 1]!, n, values, 0, false);
    } else if (r.method !== 'zero') {
      invalid(`method "${String(r.method)}" is not one of values, linear, zero`);
    }
    const before = await this.store.readSeries(meter.id, ch.obis, r.from, r.to);
    const quality = new Uint8Array(n).fill(r.quality === 'F' ? QUALITY.F : QUALITY.S);
    const series: IntervalSeries = { meterId: meter.id, channel: ch.obis, start: r.from, intervalS: step, values, quality, reason: new Uint8Array(n).fill(r.reasonCode) };
    const w = await this.store.writeSeries([series], { source: 'edit', actor: r.actor, reason: `${r.reasonCode}: ${r.note}` });
    const at = this.now();
    const overlapping = (await this.store.listExceptions({ meterIds: [meter.id], channel: ch.obis }, { limit: 10_000 })).items
      .filter((e) => e.start < r.to && e.end > r.from && e.status !== 'edited');
    const edited = overlapping.length > 0 ? await this.store.updateExceptions(overlapping.map((e) => e.id), { status: 'edited' }, at) : [];
    const sum = (s: IntervalSeries): number => s.values.reduce((a, v, i) => a + (s.quality[i] === QUALITY.N ? 0 : v), 0);
    const result: EditResult = {
      meterId: meter.id, channel: ch.obis, from: r.from, to: r.to, intervals: n, versioned: w.versioned + w.written,
      before: { total: sum(before), missing: before.quality.reduce((a, q) => a + (q === QUALITY.N ? 1 : 0), 0) },
      after: { total: sum(series) }, exceptions: edited.map((e) => e.id),
    };
    await this.store.appendAudit([{
      at, actor: r.actor, action: 'vee.edit', object: `meter:${meter.id}/${ch.obis}`,
      details: {
        from: r.from, to: r.to, method: r.method, quality: r.quality ?? 'S', reasonCode: r.reasonCode, note: r.note,
        intervals: n, before: result.before, after: result.after, versioned: result.versioned, exceptions: result.exceptions,
      },
    }]);
    return result;
  }

  /** Every stored version of the blocks overlapping [from, to), oldest first. */
  async versions(meterId: string, channel: string, from: EpochSeconds, to: EpochSeconds): Promise<{ channel: Channel; versions: SeriesVersion[] }> {
    checkRange({ from, to }, MAX_EDIT_DAYS);
    const { meter, ch } = await this.resolve(meterId, channel);
    return { channel: ch, versions: await this.store.readVersions(meter.id, ch.obis, from, to) };
  }
}

export { MAX_EDIT_DAYS };
