import { randomBytes } from 'node:crypto';
import { epochToIso, MeterstackError, type EpochSeconds } from '../../model/index.ts';
import type {
  DrDeliveryRecord, DrEventRecord, DrPerformanceRecord, DrResponseRecord, DrTargetRecord,
} from '../../store/dr.port.ts';
import type { Page, PageRequest, Store } from '../../store/store.port.ts';
import type { Principal } from '../auth.service.ts';
import { actorOf } from '../auth.service.ts';
import type { Clock } from '../clock.ts';
import { portalPremise } from '../users.rules.ts';
import { totals } from './baseline.rules.ts';
import type { IhdDelivery, OpenAdrReader } from './dr.port.ts';
import { fromOadrEvent, normalizeInput, peakLevel, statusOf, type DrEventInput, type DrStatus } from './dr.rules.ts';
import { measure } from './performance.ts';
import { homeOf, resolveTargets } from './targets.ts';

type DrPorts = Pick<Store,
  | 'putDrEvent' | 'getDrEvent' | 'listDrEvents' | 'putDrTargets' | 'listDrTargets' | 'putDrResponse' | 'listDrResponses'
  | 'putDrDeliveries' | 'listDrDeliveries' | 'putDrPerformance' | 'listDrPerformance' | 'appendAudit'
  | 'meterIds' | 'meterIdsAtPremise' | 'getMeter' | 'listAccounts' | 'listAssignments' | 'readSeries' | 'getTopology'>;

export interface DrEventView extends DrEventRecord {
  readonly status: DrStatus;
  readonly level: number;
}

export interface DrEventDetail extends DrEventView {
  readonly targetMeters: number;
  readonly targetPremises: number;
  readonly targetList: readonly DrTargetRecord[];
  readonly responses: readonly DrResponseRecord[];
  readonly deliveries: readonly DrDeliveryRecord[];
  readonly performance: readonly DrPerformanceRecord[];
  readonly totals: ReturnType<typeof totals> & { acknowledged: number; optedOut: number; delivered: { sent: number; answered: number; failed: number } };
}

export interface DrChange {
  readonly change: 'created' | 'updated' | 'cancelled' | 'response';
  readonly event: DrEventView;
}

export interface ImportOutcome {
  readonly vtnId: string;
  readonly requestId: string | null;
  readonly events: readonly { eventId: string; result: 'created' | 'updated' | 'cancelled' | 'unchanged' | 'skipped'; id?: string; reason?: string }[];
}

export interface Notice {
  readonly event: DrEventView;
  readonly response: { acknowledgedAt?: EpochSeconds; optedOutAt?: EpochSeconds } | null;
  readonly performance: DrPerformanceRecord | null;
}

const RECOMPUTE_AFTER_S = 900;
const DELIVERY_CONCURRENCY = 8;

/**
 * Peak events (demand response): operators create them (or a VTN sends them as OpenADR), their
 * targets resolve to meters, customers get notices in the portal and on their in-home display,
 * answer them, and after the event each home's reduction against its baseline is measured.
 */
export class DrService {
  private delivery: IhdDelivery | undefined;
  private readonly listeners = new Set<(c: DrChange) => void>();
  private readonly pending = new Set<Promise<unknown>>();
  /** The newest delivery round per event: answers of an older round never overwrite a newer one's. */
  private readonly rounds = new Map<string, number>();

  constructor(private readonly store: DrPorts, private readonly now: Clock, private readonly reader?: OpenAdrReader) {}

  /** The composition root plugs the MQTT command channel in once it runs (undefined to unplug). */
  useDelivery(d: IhdDelivery | undefined): void {
    this.delivery = d;
  }

  subscribe(fn: (c: DrChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves once background deliveries started so far are done (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  view(e: DrEventRecord): DrEventView {
    return { ...e, status: statusOf(e, this.now()), level: peakLevel(e) };
  }

  private emit(change: DrChange['change'], e: DrEventRecord): void {
    const c = { change, event: this.view(e) };
    for (const fn of this.listeners) {
      try { fn(c); } catch { /* a listener's failure is its own */ }
    }
  }

  async create(actor: string, input: DrEventInput, opts: { source?: 'console' | 'openadr'; externalKey?: string; modification?: number; id?: string } = {}): Promise<DrEventView> {
    const now = this.now();
    const n = normalizeInput(input, now);
    const e: DrEventRecord = {
      id: opts.id ?? `dr-${randomBytes(5).toString('hex')}`, ...n, source: opts.source ?? 'console',
      ...(opts.externalKey !== undefined ? { externalKey: opts.externalKey } : {}), ...(opts.modification !== undefined ? { modification: opts.modification } : {}),
      createdBy: actor, createdAt: now, updatedAt: now,
    };
    const targets = await resolveTargets(this.store, e.targets, e.start, e.end);
    await this.store.putDrEvent(e);
    await this.store.putDrTargets(e.id, targets);
    await this.audit(actor, 'dr.event.create', e, { kind: e.kind, start: epochToIso(e.start), end: epochToIso(e.end), targets: e.targets, meters: targets.length, source: e.source });
    this.emit('created', e);
    this.background(this.deliver(e.id));
    return this.view(e);
  }

  async list(q: { status?: DrStatus; from?: EpochSeconds; to?: EpochSeconds }, page: PageRequest): Promise<Page<DrEventView>> {
    if (q.status === undefined) {
      const p = await this.store.listDrEvents({ ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}) }, page);
      return { ...p, items: p.items.map((e) => this.view(e)) };
    }
    // Status depends on the clock: filter a bounded window of events, newest first.
    const all = (await this.store.listDrEvents({ ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}) }, { limit: 10_000 })).items
      .map((e) => this.view(e)).filter((e) => e.status === q.status);
    const offset = page.cursor ? Number(Buffer.from(page.cursor, 'base64url').toString()) : 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new MeterstackError('API_BAD_CURSOR', 'cursor was not issued by this list');
    const items = all.slice(offset, offset + page.limit);
    const next = offset + page.limit < all.length ? Buffer.from(String(offset + page.limit)).toString('base64url') : null;
    return { items, total: all.length, next };
  }

  private async record(id: string): Promise<DrEventRecord> {
    const e = await this.store.getDrEvent(id);
    if (!e) throw new MeterstackError('DR_EVENT_NOT_FOUND', `no peak event "${id}"`);
    return e;
  }

  async get(id: string): Promise<DrEventDetail> {
    const e = await this.record(id);
    const [targets, responses, deliveries] = await Promise.all([this.store.listDrTargets(id), this.store.listDrResponses(id), this.store.listDrDeliveries(id)]);
    const perf = await this.performance(e, targets);
    const count = (s: DrDeliveryRecord['status']) => deliveries.filter((d) => d.status === s).length;
    return {
      ...this.view(e), targetMeters: targets.length, targetPremises: new Set(targets.map(homeOf)).size, targetList: targets, responses, deliveries, performance: perf,
      totals: {
        ...totals(perf),
        acknowledged: responses.filter((r) => r.acknowledgedAt !== undefined).length,
        optedOut: responses.filter((r) => r.optedOutAt !== undefined).length,
        delivered: { sent: count('sent'), answered: count('answered'), failed: count('failed') },
      },
    };
  }

  /** Stored performance of a completed event; measured when missing, or again while data was missing. */
  private async performance(e: DrEventRecord, targets: readonly DrTargetRecord[], force = false): Promise<DrPerformanceRecord[]> {
    const now = this.now();
    if (statusOf(e, now) !== 'completed') return [];
    const stored = await this.store.listDrPerformance(e.id);
    const stale = stored.some((p) => p.status === 'missing-data' && now - p.computedAt >= RECOMPUTE_AFTER_S);
    if (!force && stored.length > 0 && !stale) return stored;
    const rows = await measure(this.store, e, targets, now);
    await this.store.putDrPerformance(e.id, rows);
    return rows.sort((a, b) => (a.premise < b.premise ? -1 : a.premise > b.premise ? 1 : 0));
  }

  /** Measures a completed event again (after late data or edits). */
  async remeasure(actor: string, id: string): Promise<DrPerformanceRecord[]> {
    const e = await this.record(id);
    if (statusOf(e, this.now()) !== 'completed') throw new MeterstackError('DR_EVENT_STATE', `peak event ${id} is ${statusOf(e, this.now())}; performance is measured once it has completed`);
    const rows = await this.performance(e, await this.store.listDrTargets(id), true);
    await this.audit(actor, 'dr.event.measure', e, { premises: rows.length, withFigure: rows.filter((r) => r.status === 'ok').length });
    return rows;
  }

  async cancel(actor: string, id: string, reason?: string): Promise<DrEventView> {
    const e = await this.record(id);
    const status = statusOf(e, this.now());
    if (status === 'cancelled' || status === 'completed') throw new MeterstackError('DR_EVENT_STATE', `peak event ${id} is ${status} and cannot be cancelled`);
    const now = this.now();
    const c: DrEventRecord = { ...e, cancelledAt: now, cancelledBy: actor, updatedAt: now };
    await this.store.putDrEvent(c);
    await this.audit(actor, 'dr.event.cancel', c, reason ? { reason: reason.slice(0, 200) } : {});
    this.emit('cancelled', c);
    this.background(this.deliver(id));
    return this.view(c);
  }

  /** An oadrDistributeEvent from a VTN (the utility acting as VEN): each oadrEvent created, updated or cancelled. */
  async importOpenAdr(actor: string, xml: string, source = 'openadr'): Promise<ImportOutcome> {
    if (!this.reader) throw new MeterstackError('INTERNAL', 'no OpenADR reader configured');
    const msg = this.reader(xml, source);
    if (msg.type !== 'oadrDistributeEvent') {
      throw new MeterstackError('OPENADR_UNSUPPORTED_MESSAGE', `${msg.type} carries no events; post an oadrDistributeEvent`);
    }
    const topo = await this.store.getTopology();
    const known = { feeders: new Set(topo.feeders.map((f) => f.id)), transformers: new Set(topo.transformers.map((t) => t.id)) };
    const out: ImportOutcome['events'][number][] = [];
    for (const oe of msg.events) {
      if (oe.testEvent) { out.push({ eventId: oe.eventId, result: 'skipped', reason: 'test event' }); continue; }
      if (oe.durationS <= 0) { out.push({ eventId: oe.eventId, result: 'skipped', reason: 'open-ended event (duration 0)' }); continue; }
      const input = fromOadrEvent(oe, msg.vtnId, known);
      const existing = (await this.store.listDrEvents({ externalKey: input.externalKey }, { limit: 1 })).items[0];
      if (oe.eventStatus === 'cancelled') {
        if (existing && existing.cancelledAt === undefined && statusOf(existing, this.now()) !== 'completed') {
          await this.cancel(actor, existing.id, `VTN ${msg.vtnId} cancelled it`);
          out.push({ eventId: oe.eventId, result: 'cancelled', id: existing.id });
        } else out.push({ eventId: oe.eventId, result: 'unchanged', ...(existing ? { id: existing.id } : {}), reason: 'cancelled' });
        continue;
      }
      if (existing && (existing.modification ?? 0) >= oe.modificationNumber) {
        out.push({ eventId: oe.eventId, result: 'unchanged', id: existing.id });
        continue;
      }
      if (existing) {
        const n = normalizeInput(input, this.now());
        const now = this.now();
        const u: DrEventRecord = { ...existing, ...n, modification: input.modification, updatedAt: now };
        await this.store.putDrEvent(u);
        await this.store.putDrTargets(u.id, await resolveTargets(this.store, u.targets, u.start, u.end));
        await this.audit(actor, 'dr.event.update', u, { modification: input.modification, source: 'openadr' });
        this.emit('updated', u);
        this.background(this.deliver(u.id));
        out.push({ eventId: oe.eventId, result: 'updated', id: u.id });
      } else {
        const { externalKey, modification, ...inp } = input;
        const v = await this.create(actor, inp, { source: 'openadr', externalKey, modification });
        out.push({ eventId: oe.eventId, result: 'created', id: v.id });
      }
    }
    return { vtnId: msg.vtnId, requestId: msg.requestId, events: out };
  }

  /** Sends the notice (or its cancellation) to each targeted meter the MQTT command channel reaches. */
  async deliver(id: string, actor = 'platform'): Promise<{ sent: number; answered: number; failed: number } | null> {
    const e = await this.record(id);
    const d = this.delivery;
    if (!d) return null;
    // A notice for an event that is over tells a display nothing.
    if (statusOf(e, this.now()) === 'completed') return { sent: 0, answered: 0, failed: 0 };
    const reachable = await d.reachable();
    const meters = (await this.store.listDrTargets(id)).map((t) => t.meterId).filter((m) => reachable.has(m));
    if (meters.length === 0) return { sent: 0, answered: 0, failed: 0 };
    const round = (this.rounds.get(id) ?? 0) + 1;
    this.rounds.set(id, round);
    const current = () => this.rounds.get(id) === round;
    const msg = {
      eventId: e.id, start: epochToIso(e.start), end: epochToIso(e.end), level: peakLevel(e),
      text: (e.message ?? e.name).slice(0, 160), ...(e.cancelledAt !== undefined ? { cancelled: true } : {}),
    };
    await this.store.putDrDeliveries(meters.map((meterId) => ({ eventId: id, meterId, status: 'sent' as const, at: this.now() })));
    const tally = { sent: meters.length, answered: 0, failed: 0 };
    const queue = [...meters];
    const worker = async (): Promise<void> => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        const meterId = m;
        const row = await d.send(meterId, msg).then(
          () => ({ eventId: id, meterId, status: 'answered' as const, at: this.now() }),
          (err: unknown) => ({ eventId: id, meterId, status: 'failed' as const, at: this.now(), detail: (err as { code?: string }).code ?? 'failed' }),
        );
        tally[row.status]++;
        if (current()) await this.store.putDrDeliveries([row]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, meters.length) }, worker));
    await this.audit(actor, 'dr.event.deliver', e, { ...tally, cancelled: e.cancelledAt !== undefined });
    return tally;
  }

  private background(p: Promise<unknown>): void {
    const q = p.catch(() => undefined).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }

  // The customer portal: notices of the events at the premise the principal may see.

  private premiseOf(p: Principal, requested?: string): string {
    const which = portalPremise(p, requested);
    if ('refused' in which) {
      throw which.refused === 'missing'
        ? new MeterstackError('QUERY_INVALID', 'name the premise to show: ?premise=<id>')
        : new MeterstackError('API_FORBIDDEN', 'a customer sees their own premise only');
    }
    return which.premise;
  }

  async notices(p: Principal, requested?: string): Promise<{ premise: string; upcoming: Notice[]; active: Notice[]; past: Notice[] }> {
    const premise = this.premiseOf(p, requested);
    const now = this.now();
    const events = (await this.store.listDrEvents({ premise, from: now - 90 * 86_400 }, { limit: 200 })).items;
    const out = { premise, upcoming: [] as Notice[], active: [] as Notice[], past: [] as Notice[] };
    for (const e of events) {
      // A notice shows from its notice time.
      if (e.noticeAt > now) continue;
      const v = this.view(e);
      const r = (await this.store.listDrResponses(e.id)).find((x) => x.premise === premise);
      const perf = v.status === 'completed' ? (await this.performance(e, await this.store.listDrTargets(e.id))).find((x) => x.premise === premise) ?? null : null;
      const n: Notice = {
        event: v, performance: perf,
        response: r ? { ...(r.acknowledgedAt !== undefined ? { acknowledgedAt: r.acknowledgedAt } : {}), ...(r.optedOutAt !== undefined ? { optedOutAt: r.optedOutAt } : {}) } : null,
      };
      if (v.status === 'scheduled') out.upcoming.push(n);
      else if (v.status === 'active') out.active.push(n);
      else out.past.push(n);
    }
    out.upcoming.reverse();
    return out;
  }

  /** A customer acknowledges a notice or opts out of the event (own premise only; operators view read-only). */
  async respond(p: Principal, eventId: string, answer: 'acknowledge' | 'opt-out', requested?: string): Promise<Notice> {
    if (p.role !== 'customer') throw new MeterstackError('API_FORBIDDEN', 'only the customer answers a peak event for their premise');
    const premise = this.premiseOf(p, requested);
    const e = await this.record(eventId);
    const targets = await this.store.listDrTargets(eventId);
    if (!targets.some((t) => t.premise === premise)) throw new MeterstackError('DR_EVENT_NOT_FOUND', `no peak event "${eventId}" for this premise`);
    const status = statusOf(e, this.now());
    if (status === 'cancelled' || status === 'completed') throw new MeterstackError('DR_EVENT_STATE', `the peak event is ${status}`);
    const now = this.now();
    const prev = (await this.store.listDrResponses(eventId)).find((r) => r.premise === premise);
    const actor = actorOf(p);
    const r: DrResponseRecord = {
      eventId, premise, actor, at: now,
      acknowledgedAt: prev?.acknowledgedAt ?? now,
      ...(answer === 'opt-out' ? { optedOutAt: prev?.optedOutAt ?? now } : prev?.optedOutAt !== undefined ? { optedOutAt: prev.optedOutAt } : {}),
    };
    await this.store.putDrResponse(r);
    await this.store.appendAudit([{ at: now, actor, action: answer === 'opt-out' ? 'dr.event.opt-out' : 'dr.event.acknowledge', object: `dr-event:${eventId}`, details: { premise } }]);
    this.emit('response', e);
    return { event: this.view(e), response: { ...(r.acknowledgedAt !== undefined ? { acknowledgedAt: r.acknowledgedAt } : {}), ...(r.optedOutAt !== undefined ? { optedOutAt: r.optedOutAt } : {}) }, performance: null };
  }

  private async audit(actor: string, action: string, e: DrEventRecord, details: Record<string, unknown>): Promise<void> {
    await this.store.appendAudit([{ at: this.now(), actor, action, object: `dr-event:${e.id}`, details: { name: e.name, ...details } }]);
  }
}
