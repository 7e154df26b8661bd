import { DateTime } from 'luxon';
import { epochToIso, localDateStart, MeterstackError, type Account } from '../../model/index.ts';
import type { Store } from '../../store/store.port.ts';
import type { Principal } from '../auth.service.ts';
import type { Clock } from '../clock.ts';
import { buildGrid } from '../tariffs/calendar.ts';
import { formatMicro } from '../tariffs/money.ts';
import type { TariffsService } from '../tariffs/tariffs.service.ts';
import { cheapestWindow, unitRates } from '../tariffs/unit-rates.ts';
import { portalPremise } from '../users.rules.ts';
import type { BillDocument } from './bill.ts';
import type { BillingService, BillView, LineExplanation } from './billing.service.ts';

type PortalBillingPorts = Pick<Store, 'listAccounts' | 'listBills' | 'getBill'>;

export interface Advice {
  readonly tariff: { readonly id: string; readonly name: string; readonly dynamic: boolean };
  readonly date: string;
  readonly zone: string;
  readonly currency: string;
  /** Per hour of the local day: the rate of one more kWh, VAT included (the hour's mean for quarter-hour prices). */
  readonly hours: readonly { start: string; end: string; rate: string | null; period: string }[];
  /** The cheapest 2- and 3-hour windows (a dishwasher, a washing machine, an EV top-up). */
  readonly cheapest: readonly { hours: number; start: string; end: string; rate: string }[];
  readonly expensive: readonly { start: string; end: string; rate: string }[];
}

/**
 * Bills and advice for the customer portal: the same bills an analyst sees, limited to the accounts
 * at the principal's premise (customers: their own; another premise is refused, a bill of another
 * account is not found).
 */
export class PortalBillingService {
  constructor(private readonly store: PortalBillingPorts, private readonly billing: BillingService, private readonly tariffs: TariffsService, private readonly now: Clock) {}

  private async accounts(p: Principal, requested?: string): Promise<Account[]> {
    const which = portalPremise(p, requested);
    if ('refused' in which) {
      throw which.refused === 'missing'
        ? new MeterstackError('QUERY_INVALID', 'name the premise to show: ?premise=<id>')
        : new MeterstackError('API_FORBIDDEN', 'a customer sees their own premise only');
    }
    const page = await this.store.listAccounts({ premise: which.premise }, { limit: 20 });
    if (page.items.length === 0) throw new MeterstackError('ACCOUNT_NOT_FOUND', `no account at premise "${which.premise}"`);
    return page.items;
  }

  async bills(p: Principal, premise?: string): Promise<{ id: number; periodFrom: string; periodTo: string; revision: number; total: string; currency: string }[]> {
    const out = [];
    for (const a of await this.accounts(p, premise)) {
      for (const b of (await this.store.listBills({ accountId: a.id }, { limit: 36 })).items) {
        out.push({ id: b.id!, periodFrom: b.periodFrom, periodTo: b.periodTo, revision: b.revision, total: formatMicro(b.total), currency: (JSON.parse(b.doc) as BillDocument).currency });
      }
    }
    return out.sort((a, b) => b.periodFrom.localeCompare(a.periodFrom) || b.revision - a.revision);
  }

  private async own(p: Principal, premise: string | undefined, id: number): Promise<void> {
    const rec = await this.store.getBill(id);
    const mine = new Set((await this.accounts(p, premise)).map((a) => a.id));
    if (!rec || !mine.has(rec.accountId)) throw new MeterstackError('BILL_NOT_FOUND', `no bill ${id} for this premise`);
  }

  async bill(p: Principal, premise: string | undefined, id: number): Promise<BillView> {
    await this.own(p, premise, id);
    return this.billing.get(id);
  }

  async explain(p: Principal, premise: string | undefined, id: number, n: number): Promise<LineExplanation> {
    await this.own(p, premise, id);
    return this.billing.explain(id, n);
  }

  /** The current bill period so far (from the last cycle day to today), computed now and not stored. */
  async current(p: Principal, premise?: string): Promise<BillDocument> {
    const a = (await this.accounts(p, premise))[0]!;
    const today = DateTime.fromSeconds(this.now(), { zone: a.timeZone }).startOf('day');
    let start = today.set({ day: a.cycleDay });
    if (start >= today) start = start.minus({ months: 1 });
    return (await this.billing.compute(a.id, start.toISODate()!, today.toISODate()!)).doc;
  }

  /** When one more kWh is cheapest on a local date (default tomorrow) under the premise's tariff. */
  async advice(p: Principal, premise?: string, date?: string): Promise<Advice> {
    const a = (await this.accounts(p, premise))[0]!;
    const zone = a.timeZone;
    const day = date ?? DateTime.fromSeconds(this.now(), { zone }).plus({ days: 1 }).toISODate()!;
    let from: number;
    let to: number;
    try {
      from = localDateStart(day, zone);
      to = localDateStart(DateTime.fromISO(day, { zone }).plus({ days: 1 }).toISODate()!, zone);
    } catch {
      throw new MeterstackError('BILL_PERIOD_INVALID', `"${day}" is not a date YYYY-MM-DD`);
    }
    const { versions } = await this.tariffs.parsedVersions(a.tariffId);
    const grid = buildGrid(versions, zone, from, to, 900);
    const tariff = grid.versions[0]!.tariff;
    const rates = unitRates(grid, await this.tariffs.pricesFor(grid.versions.map((v) => v.tariff), from, 900, grid.n));
    const money = (micro: number): string => formatMicro(Math.round(micro / 100) * 100, 4);
    const iso = (i: number): string => epochToIso(from + i * 900, zone);
    const hours: Advice['hours'][number][] = [];
    for (let i = 0; i < grid.n; i += 4) {
      const k = Math.min(4, grid.n - i);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += rates[i + j]!;
      hours.push({ start: iso(i), end: iso(i + k), rate: Number.isNaN(sum) ? null : money(sum / k), period: tariff.periods[grid.period[i]!]!.name });
    }
    const cheapest = [2, 3].flatMap((h) => {
      const w = cheapestWindow(rates, h * 4);
      return w ? [{ hours: h, start: iso(w.start), end: iso(w.start + h * 4), rate: money(w.mean) }] : [];
    });
    const priced = hours.filter((h) => h.rate !== null).sort((x, y) => Number(y.rate) - Number(x.rate));
    const top = priced.length ? Number(priced[0]!.rate) : 0;
    const expensive = priced.filter((h) => Number(h.rate) >= top * 0.95).slice(0, 4).map((h) => ({ start: h.start, end: h.end, rate: h.rate! }));
    const dynamic = tariff.charges.some((c) => c.type === 'energy' && c.source.kind === 'feed');
    return { tariff: { id: tariff.id, name: tariff.name, dynamic }, date: day, zone, currency: tariff.currency, hours, cheapest, expensive };
  }
}
