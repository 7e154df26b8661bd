import { MeterstackError, obis, type EpochSeconds } from '../model/index.ts';
import {
  EXCEPTION_STATUSES, type ExceptionFilter, type ExceptionPatch, type ExceptionStatus, type Page, type Store, type VeeException,
} from '../store/store.port.ts';
import type { Clock } from './clock.ts';
import { queryScope, storePage, type PageQuery } from './paging.ts';

export interface ExceptionQuery {
  readonly rule?: string;
  readonly status?: string;
  readonly meterId?: string;
  readonly channel?: string;
  readonly feederId?: string;
  readonly transformerId?: string;
  /** Only exceptions at least this old (seconds since they were opened): the SLA view. */
  readonly minAgeS?: number;
}

/** An exception as the work queue shows it: with its age against the SLA clock. */
export interface ExceptionView extends VeeException {
  readonly ageS: number;
}

/** At most this many exceptions change in one bulk action. */
export const MAX_BULK = 1000;

type ExceptionPorts = Pick<Store, 'listExceptions' | 'getException' | 'updateExceptions' | 'appendAudit' | 'meterIds'>;

export function assertStatus(s: string): ExceptionStatus {
  if (!(EXCEPTION_STATUSES as readonly string[]).includes(s)) {
    throw new MeterstackError('QUERY_INVALID', `status "${s}" is not one of ${EXCEPTION_STATUSES.join(', ')}`);
  }
  return s as ExceptionStatus;
}

/** The VEE exceptions work queue: every flag/invalidate finding, assignable, every change audited. */
export class VeeExceptionsService {
  constructor(private readonly store: ExceptionPorts, private readonly now: Clock) {}

  private view(e: VeeException, now: EpochSeconds): ExceptionView {
    return { ...e, ageS: Math.max(0, now - e.createdAt) };
  }

  async list(q: ExceptionQuery, page: PageQuery): Promise<Page<ExceptionView>> {
    const now = this.now();
    let meterIds: string[] | undefined;
    if (q.feederId !== undefined || q.transformerId !== undefined) {
      meterIds = await this.store.meterIds({ ...(q.feederId !== undefined ? { feederId: q.feederId } : {}), ...(q.transformerId !== undefined ? { transformerId: q.transformerId } : {}) });
      if (q.meterId !== undefined) meterIds = meterIds.filter((m) => m === q.meterId);
    } else if (q.meterId !== undefined) meterIds = [q.meterId];
    const filter: ExceptionFilter = {
      ...(q.rule !== undefined ? { rule: q.rule } : {}),
      ...(q.status !== undefined ? { status: assertStatus(q.status) } : {}),
      ...(q.channel !== undefined ? { channel: obis(q.channel) } : {}),
      ...(meterIds !== undefined ? { meterIds } : {}),
      ...(q.minAgeS !== undefined ? { createdBefore: now - q.minAgeS } : {}),
    };
    // The age filter moves with the clock: the cursor's scope leaves `now` out on purpose.
    const p = await storePage(queryScope('vee-exceptions', { ...q }), page, (req) => this.store.listExceptions(filter, req));
    return { ...p, items: p.items.map((e) => this.view(e, now)) };
  }

  async get(id: number): Promise<ExceptionView> {
    const e = await this.store.getException(id);
    if (e === undefined) throw new MeterstackError('VEE_EXCEPTION_NOT_FOUND', `no VEE exception ${id}`, { details: { id } });
    return this.view(e, this.now());
  }

  /** Assign and/or change the status of one exception; audited with who and the before/after. */
  async update(id: number, patch: ExceptionPatch, actor: string, note?: string): Promise<ExceptionView> {
    const before = await this.get(id);
    const [after] = await this.apply([before], patch, actor, note);
    return after!;
  }

  /** The same patch on many exceptions (ids must all exist), one audit entry each. */
  async bulk(ids: readonly number[], patch: ExceptionPatch, actor: string, note?: string): Promise<ExceptionView[]> {
    if (ids.length === 0 || ids.length > MAX_BULK) throw new MeterstackError('QUERY_INVALID', `a bulk action takes 1 to ${MAX_BULK} exception ids`);
    const found: VeeException[] = [];
    for (const id of new Set(ids)) {
      const e = await this.store.getException(id);
      if (e === undefined) throw new MeterstackError('VEE_EXCEPTION_NOT_FOUND', `no VEE exception ${id}; nothing was changed`, { details: { id } });
      found.push(e);
    }
    return this.apply(found, patch, actor, note);
  }

  private async apply(list: readonly VeeException[], patch: ExceptionPatch, actor: string, note?: string): Promise<ExceptionView[]> {
    if (patch.status === undefined && patch.assignee === undefined) throw new MeterstackError('QUERY_INVALID', 'give a status, an assignee or both');
    if (patch.status !== undefined) assertStatus(patch.status);
    const at = this.now();
    const after = await this.store.updateExceptions(list.map((e) => e.id), patch, at);
    const byId = new Map(list.map((e) => [e.id, e]));
    await this.store.appendAudit(after.map((e) => {
      const b = byId.get(e.id)!;
      return {
        at, actor, action: 'vee.exception.update', object: `vee-exception:${e.id}`,
        details: {
          meterId: e.meterId, channel: e.channel, rule: e.rule,
          from: { status: b.status, assignee: b.assignee ?? null }, to: { status: e.status, assignee: e.assignee ?? null },
          ...(note !== undefined ? { note } : {}),
        },
      };
    }));
    return after.map((e) => this.view(e, at));
  }
}
