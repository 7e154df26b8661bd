import {
  assertZone, isoToEpoch, MeterstackError,
  type Account, type EpochSeconds, type MeterAssignment,
} from '../../model/index.ts';
import type { AccountFilter, Page, PageRequest, Store } from '../../store/store.port.ts';
import type { Clock } from '../clock.ts';

/** An account as created or updated (the store sets createdAt on creation). */
export type AccountInput = Omit<Account, 'createdAt'>;

type AccountPorts = Pick<Store, 'upsertAccounts' | 'getAccount' | 'listAccounts' | 'putAssignments' | 'listAssignments' | 'getMeter' | 'listTariffVersions' | 'appendAudit'>;

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const invalid = (msg: string): never => {
  throw new MeterstackError('ACCOUNT_INVALID', msg);
};

/** Customer accounts and which meter serves each over time (a meter exchange is a new assignment). */
export class AccountsService {
  constructor(private readonly store: AccountPorts, private readonly now: Clock) {}

  async upsert(input: AccountInput, actor: string): Promise<Account> {
    if (!ID.test(input.id)) invalid(`account id "${input.id}" must be 1–64 letters, digits, dot, dash or underscore`);
    if (typeof input.name !== 'string' || input.name.trim() === '') invalid('an account needs a name');
    assertZone(input.timeZone);
    if (!Number.isInteger(input.cycleDay) || input.cycleDay < 1 || input.cycleDay > 28) invalid('cycleDay must be a day of the month 1–28');
    for (const k of ['supplier', 'brp', 'gridArea'] as const) {
      if (typeof input.market?.[k] !== 'string' || input.market[k].trim() === '') invalid(`market.${k} is required (an EIC-style party code)`);
    }
    if ((await this.store.listTariffVersions(input.tariffId)).length === 0) {
      throw new MeterstackError('TARIFF_NOT_FOUND', `no tariff "${input.tariffId}"; add it first (POST /api/v1/tariffs or meterstack tariff add)`);
    }
    const existing = await this.store.getAccount(input.id);
    const account: Account = {
      id: input.id, name: input.name.trim(), ...(input.premise ? { premise: input.premise } : {}), timeZone: input.timeZone,
      tariffId: input.tariffId, cycleDay: input.cycleDay, market: { ...input.market },
      ...(input.capacityExempt ? { capacityExempt: true } : {}), createdAt: existing?.createdAt ?? this.now(),
    };
    await this.store.upsertAccounts([account]);
    await this.store.appendAudit([{ at: this.now(), actor, action: existing ? 'account.update' : 'account.create', object: `account:${account.id}`, details: { tariffId: account.tariffId, cycleDay: account.cycleDay, market: account.market } }]);
    return account;
  }

  async get(id: string): Promise<Account> {
    const a = await this.store.getAccount(id);
    if (!a) throw new MeterstackError('ACCOUNT_NOT_FOUND', `no account "${id}"`);
    return a;
  }

  async list(filter: AccountFilter, page: PageRequest): Promise<Page<Account>> {
    return this.store.listAccounts(filter, page);
  }

  /**
   * Let `meterId` serve the account from `from` (ISO or epoch). The account's meter that served
   * until then stops at that instant: a meter exchange within a bill period is two assignments.
   */
  async assignMeter(accountId: string, meterId: string, from: string | EpochSeconds, actor: string): Promise<MeterAssignment[]> {
    await this.get(accountId);
    if (!(await this.store.getMeter(meterId))) invalid(`no meter "${meterId}"`);
    let at: number;
    try {
      at = typeof from === 'number' ? from : isoToEpoch(from);
    } catch {
      return invalid(`"${String(from)}" is not an ISO 8601 time`);
    }
    const open = (await this.store.listAssignments(accountId, at, Number.MAX_SAFE_INTEGER)).filter((a) => a.to === undefined || a.to > at);
    const rows: MeterAssignment[] = [];
    for (const a of open) {
      if (a.meterId === meterId && a.from <= at) return [a];
      if (a.from >= at) invalid(`meter ${a.meterId} already serves ${accountId} from ${new Date(a.from * 1000).toISOString()}; assignments cannot be rewritten`);
      rows.push({ ...a, to: at });
    }
    rows.push({ accountId, meterId, from: at });
    await this.store.putAssignments(rows);
    await this.store.appendAudit([{ at: this.now(), actor, action: 'account.meter.assign', object: `account:${accountId}`, details: { meterId, from: at, ended: rows.slice(0, -1).map((r) => r.meterId) } }]);
    return rows;
  }

  async assignments(accountId: string, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<MeterAssignment[]> {
    await this.get(accountId);
    return this.store.listAssignments(accountId, from, to);
  }
}
