import type {
  AuditEntry, AuditFilter, ChainCheck, Page, ReceiptEntry, Reject, RejectFilter, Store,
} from '../store/store.port.ts';
import { queryScope, storePage, type PageQuery } from './paging.ts';

export interface ChainReport {
  readonly receipts: ChainCheck;
  readonly audit: ChainCheck;
}

type RecordPorts = Pick<Store, 'listRejects' | 'listReceipts' | 'listAudit' | 'verifyReceipts' | 'verifyAudit'>;

/** Read side of what the platform keeps about itself: rejected items, receipts, the audit log. */
export class RecordsService {
  constructor(private readonly store: RecordPorts) {}

  rejects(filter: RejectFilter, page: PageQuery): Promise<Page<Reject>> {
    return storePage(queryScope('rejects', filter), page, (req) => this.store.listRejects(filter, req));
  }

  receipts(page: PageQuery): Promise<Page<ReceiptEntry>> {
    return storePage(queryScope('receipts', null), page, (req) => this.store.listReceipts(req));
  }

  audit(filter: AuditFilter, page: PageQuery): Promise<Page<AuditEntry>> {
    return storePage(queryScope('audit', filter), page, (req) => this.store.listAudit(filter, req));
  }

  async verify(): Promise<ChainReport> {
    return { receipts: await this.store.verifyReceipts(), audit: await this.store.verifyAudit() };
  }
}
