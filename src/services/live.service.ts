import { MeterstackError, type EpochSeconds, type MeterEvent, type Obis, type RegisterReading } from '../model/index.ts';
import type { Page, Store } from '../store/store.port.ts';
import type { Clock } from './clock.ts';
import { ACTIVE_IMPORT } from './load.service.ts';
import { checkRange, type TimeRange } from './range.ts';

/** What the console's live strip shows: counts that change as data arrives. */
export interface LiveSnapshot {
  readonly at: EpochSeconds;
  /** Messages and files received so far (the receipt chain's length). */
  readonly messages: number;
  readonly exceptions: number;
  readonly openExceptions: number;
  /** End of the newest quarter-hour any meter reported, and how many meters reported it. */
  readonly latest: EpochSeconds | null;
  readonly reporting: number;
  /** Outages going on now (from power-down/up events). */
  readonly activeOutages: number;
  /** Security alerts of the last 24 hours. */
  readonly alerts: number;
}

/** Counts that take more than a query: the composition root passes the outage and alert services. */
export interface LiveSources {
  activeOutages(): Promise<number>;
  recentAlerts(): Promise<number>;
}

export interface LiveChange extends LiveSnapshot {
  /** Since the previous snapshot sent to this subscriber's stream (0 for the first one). */
  readonly newMessages: number;
  readonly newExceptions: number;
}

type LivePorts = Pick<Store, 'listReceipts' | 'listExceptions' | 'meterIds' | 'sumSeries' | 'listEvents' | 'listChannels' | 'readRegisters' | 'getMeter' | 'listAudit'>;

const LATEST_EVERY_S = 60;
/** The meter list changes rarely (a new meter shows in "reporting" within this time). */
const IDS_EVERY_S = 600;
const INTERVAL_S = 900;
/** Outages and alerts are recounted when meter events or audit entries arrived, at most this often. */
const RECOUNT_EVERY_S = 10;

/**
 * One poller for every open live stream: it takes a snapshot every `periodMs` while someone
 * listens and stops when the last one leaves. Polling the store (instead of hooking the pipeline)
 * means a second process writing the same database shows up as well.
 */
export class LiveService {
  private readonly listeners = new Set<(s: LiveSnapshot) => void>();
  private timer: NodeJS.Timeout | undefined;
  private last: LiveSnapshot | undefined;
  private latestCache: { at: EpochSeconds; latest: EpochSeconds | null; reporting: number } | undefined;
  private idsCache: { at: EpochSeconds; ids: string[] } | undefined;
  private countsCache: { at: EpochSeconds; events: number; audit: number; activeOutages: number; alerts: number } | undefined;

  constructor(
    private readonly store: LivePorts, private readonly now: Clock, private readonly sources?: LiveSources, private readonly periodMs = 5000,
  ) {}

  async snapshot(): Promise<LiveSnapshot> {
    const at = this.now();
    const [receipts, all, open] = await Promise.all([
      this.store.listReceipts({ limit: 1 }),
      this.store.listExceptions({}, { limit: 1 }),
      this.store.listExceptions({ status: 'open' }, { limit: 1 }),
    ]);
    const { latest, reporting } = await this.latest(at);
    const { activeOutages, alerts } = await this.counts(at);
    return { at, messages: receipts.total, exceptions: all.total, openExceptions: open.total, latest, reporting, activeOutages, alerts };
  }

  /** Working out outages and alerts reads events and audit entries: only done again when some arrived. */
  private async counts(at: EpochSeconds): Promise<{ activeOutages: number; alerts: number }> {
    if (!this.sources) return { activeOutages: 0, alerts: 0 };
    const c = this.countsCache;
    if (c && at - c.at < RECOUNT_EVERY_S) return c;
    const [events, audit] = await Promise.all([
      this.store.listEvents(undefined, 0, at + 1, { limit: 1 }).then((p) => p.total),
      this.store.listAudit({}, { limit: 1 }).then((p) => p.total),
    ]);
    // Alerts age out of the 24 hours, outages end by events: recount unchanged inputs once a minute too.
    if (c && c.events === events && c.audit === audit && at - c.at < LATEST_EVERY_S) return c;
    const [activeOutages, alerts] = await Promise.all([this.sources.activeOutages(), this.sources.recentAlerts()]);
    this.countsCache = { at, events, audit, activeOutages, alerts };
    return this.countsCache;
  }

  /** Calls `fn` with the first snapshot at once and then with every one that differs; returns the unsubscribe. */
  subscribe(fn: (c: LiveChange) => void): () => void {
    let prev: LiveSnapshot | undefined;
    const send = (s: LiveSnapshot): void => {
      if (prev && prev.messages === s.messages && prev.exceptions === s.exceptions && prev.openExceptions === s.openExceptions
        && prev.latest === s.latest && prev.reporting === s.reporting && prev.activeOutages === s.activeOutages && prev.alerts === s.alerts) return;
      fn({ ...s, newMessages: prev ? s.messages - prev.messages : 0, newExceptions: prev ? s.exceptions - prev.exceptions : 0 });
      prev = s;
    };
    this.listeners.add(send);
    if (this.last) send(this.last);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.periodMs);
      this.timer.unref();
      void this.tick();
    }
    return () => {
      this.listeners.delete(send);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.last = undefined;
      }
    };
  }

  /** A meter's events over a range, newest last (paged like every collection). */
  events(meterId: string, range: TimeRange, page: { limit: number; cursor?: string | null }): Promise<Page<MeterEvent>> {
    checkRange(range, 366);
    return this.store.listEvents(meterId, range.from, range.to, page);
  }

  /**
   * The newest cumulative register value of each channel within `days` before now: register-only
   * channels always, interval channels (whose meter also sends the register, e.g. 1.8.0) when it did.
   */
  async registers(meterId: string, days = 7): Promise<{ channel: Obis; unit: string; reading: RegisterReading | null }[]> {
    if (!(await this.store.getMeter(meterId))) throw new MeterstackError('METER_NOT_FOUND', `no meter "${meterId}"`, { details: { meterId } });
    const at = this.now();
    const out = [];
    for (const c of await this.store.listChannels(meterId)) {
      const rows = await this.store.readRegisters(meterId, c.obis, at - days * 86_400, at + 1);
      if (c.intervalS === 0 || rows.length > 0) out.push({ channel: c.obis, unit: c.unit, reading: rows.at(-1) ?? null });
    }
    return out;
  }

  private async tick(): Promise<void> {
    try {
      const s = await this.snapshot();
      this.last = s;
      for (const l of this.listeners) l(s);
    } catch {
      // A failed poll (database busy or closing) is retried on the next tick.
    }
  }

  /**
   * Summing the fleet's last hours is the costly part: once a minute is enough for "latest data".
   * The store is synchronous, so this blocks every other request while it runs: with 100,000 meters
   * listing them took 0.3 s and summing 4 hours 1.8 s. So the meter list is kept for a few minutes,
   * and the last hour is summed first; the 4 hours only when nothing arrived in the last hour.
   */
  private async latest(at: EpochSeconds): Promise<{ latest: EpochSeconds | null; reporting: number }> {
    if (this.latestCache && at - this.latestCache.at < LATEST_EVERY_S) return this.latestCache;
    if (!this.idsCache || at - this.idsCache.at >= IDS_EVERY_S) this.idsCache = { at, ids: await this.store.meterIds({ kind: 'electricity' }) };
    const { ids } = this.idsCache;
    let latest: EpochSeconds | null = null;
    let reporting = 0;
    const to = Math.ceil(at / INTERVAL_S) * INTERVAL_S;
    for (const hours of ids.length > 0 ? [1, 4] : []) {
      const { series, contributors } = await this.store.sumSeries(ids, ACTIVE_IMPORT, to - hours * 3600, to);
      for (let i = contributors.length - 1; i >= 0; i--) {
        if ((contributors[i] ?? 0) > 0) { latest = series.start + (i + 1) * series.intervalS; reporting = contributors[i]!; break; }
      }
      if (latest !== null) break;
    }
    this.latestCache = { at, latest, reporting };
    return this.latestCache;
  }
}
