import { randomUUID } from 'node:crypto';
import { MeterstackError } from '../../model/index.ts';
import type { BillingRunRecord, Page, PageRequest, Store } from '../../store/store.port.ts';
import type { Clock } from '../clock.ts';
import { formatMicro } from '../tariffs/money.ts';
import type { BillingService } from './billing.service.ts';

/** A billing run as stored, with its summary parsed. */
export type RunView = Omit<BillingRunRecord, 'summary'> & {
  readonly summary: { amount: string; failures: { accountId: string; code: string; message: string }[] };
};

type RunPorts = Pick<Store, 'listAccounts' | 'putBillingRun' | 'getBillingRun' | 'listBillingRuns' | 'appendAudit'>;

const MONTH = /^(\d{4})-(\d{2})$/;
const PROGRESS_EVERY = 25;
const MAX_FAILURES_KEPT = 100;

/** Bill period of a cycle: from the cycle day of `month` to the same day of the next month (local dates). */
export function cyclePeriod(cycleDay: number, month: string): { from: string; to: string } {
  const m = MONTH.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new MeterstackError('BILL_PERIOD_INVALID', `"${month}" is not a month YYYY-MM`);
  if (!Number.isInteger(cycleDay) || cycleDay < 1 || cycleDay > 28) throw new MeterstackError('BILL_PERIOD_INVALID', 'the cycle day must be 1–28');
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = String(cycleDay).padStart(2, '0');
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: `${month}-${d}`, to: `${next}-${d}` };
}

const view = (r: BillingRunRecord): RunView => ({ ...r, summary: JSON.parse(r.summary) as RunView['summary'] });

/** A billing run: every account of a cycle billed for one period, progress kept in the store. */
export class BillingRuns {
  private readonly running = new Map<string, Promise<RunView>>();

  constructor(private readonly store: RunPorts, private readonly billing: BillingService, private readonly now: Clock) {}

  /** Starts the run; `finished` resolves when every account is billed (the API answers before that). */
  async start(cycleDay: number, month: string, actor: string, onProgress?: (done: number, total: number) => void): Promise<{ run: RunView; finished: Promise<RunView> }> {
    const { from, to } = cyclePeriod(cycleDay, month);
    const first = await this.store.listAccounts({ cycleDay }, { limit: 1 });
    const id = `run-${month}-c${cycleDay}-${randomUUID().slice(0, 8)}`;
    const rec: BillingRunRecord = {
      id, cycleDay, period: month, status: 'running', total: first.total, done: 0, failed: 0, startedAt: this.now(), actor,
      summary: JSON.stringify({ amount: '0.00', failures: [] }),
    };
    await this.store.putBillingRun(rec);
    await this.store.appendAudit([{ at: this.now(), actor, action: 'billing.run.start', object: `billing-run:${id}`, details: { cycleDay, period: `${from}..${to}`, accounts: first.total } }]);
    const finished = this.execute(rec, from, to, onProgress);
    this.running.set(id, finished);
    void finished.finally(() => this.running.delete(id));
    return { run: view(rec), finished };
  }

  private async execute(rec: BillingRunRecord, from: string, to: string, onProgress?: (done: number, total: number) => void): Promise<RunView> {
    let done = 0, failed = 0, amount = 0;
    const failures: RunView['summary']['failures'] = [];
    const save = async (status: BillingRunRecord['status']): Promise<BillingRunRecord> => {
      const r: BillingRunRecord = {
        ...rec, status, done, failed, summary: JSON.stringify({ amount: formatMicro(amount), failures }),
        ...(status !== 'running' ? { finishedAt: this.now() } : {}),
      };
      await this.store.putBillingRun(r);
      return r;
    };
    try {
      let cursor: string | null = null;
      do {
        const page: Page<{ id: string }> = await this.store.listAccounts({ cycleDay: rec.cycleDay }, { limit: 200, cursor });
        for (const a of page.items) {
          try {
            const b = await this.billing.bill(a.id, from, to, rec.actor, rec.id);
            amount += Math.round(Number(b.bill.total) * 1_000_000);
          } catch (e) {
            failed++;
            if (failures.length < MAX_FAILURES_KEPT) {
              failures.push({ accountId: a.id, code: e instanceof MeterstackError ? e.code : 'INTERNAL', message: (e as Error).message });
            }
          }
          done++;
          if (done % PROGRESS_EVERY === 0) {
            await save('running');
            onProgress?.(done, rec.total);
          }
        }
        cursor = page.next;
      } while (cursor);
      const r = await save('done');
      onProgress?.(done, rec.total);
      await this.store.appendAudit([{ at: this.now(), actor: rec.actor, action: 'billing.run.finish', object: `billing-run:${rec.id}`, details: { done, failed, amount: formatMicro(amount) } }]);
      return view(r);
    } catch (e) {
      failures.push({ accountId: '*', code: e instanceof MeterstackError ? e.code : 'INTERNAL', message: (e as Error).message });
      return view(await save('failed'));
    }
  }

  async get(id: string): Promise<RunView> {
    const r = await this.store.getBillingRun(id);
    if (!r) throw new MeterstackError('BILLING_RUN_NOT_FOUND', `no billing run "${id}"`);
    return view(r);
  }

  async list(page: PageRequest): Promise<Page<RunView>> {
    const p = await this.store.listBillingRuns(page);
    return { ...p, items: p.items.map(view) };
  }

  /** Wait for a run started by this process (tests and the CLI). */
  async wait(id: string): Promise<RunView> {
    return (await this.running.get(id)) ?? this.get(id);
  }
}
