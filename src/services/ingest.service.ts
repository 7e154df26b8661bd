import type { DecodedMessage, IngestResult, Ingestor } from '../ingest/ingest.port.ts';
import type { Store } from '../store/store.port.ts';
import type { Clock } from './clock.ts';

export interface Submission {
  /** The body exactly as received: the pipeline hashes these bytes into the integrity chain. */
  readonly bytes: Uint8Array;
  readonly actor: string;
  readonly source?: string;
}

/** Hands received batches to the pipeline and records who submitted what in the audit log. */
export class IngestService {
  constructor(
    private readonly ingest: Pick<Ingestor, 'submit' | 'submitDecoded'>,
    private readonly store: Pick<Store, 'appendAudit'>,
    private readonly now: Clock,
  ) {}

  /** A canonical JSON batch (the API's POST /ingest). */
  async submit(s: Submission): Promise<IngestResult> {
    const receivedAt = this.now();
    const result = await this.ingest.submit({ source: s.source ?? 'api', bytes: s.bytes, actor: s.actor, receivedAt });
    await this.audit(s.actor, receivedAt, result);
    return result;
  }

  /** Series a codec already decoded (an imported file, a head-end read). */
  async submitDecoded(msg: DecodedMessage & { readonly actor: string }): Promise<IngestResult> {
    const receivedAt = msg.receivedAt ?? this.now();
    const result = await this.ingest.submitDecoded({ ...msg, receivedAt });
    await this.audit(msg.actor, receivedAt, result);
    return result;
  }

  private audit(actor: string, at: number, r: IngestResult): Promise<void> {
    return this.store.appendAudit([{
      at,
      actor,
      action: 'ingest.submit',
      object: `receipt:${r.receiptSeq}`,
      details: {
        sha256: r.sha256, accepted: r.accepted, rejected: r.rejected.length,
        written: r.written, unchanged: r.unchanged, versioned: r.versioned,
      },
    }]);
  }
}
