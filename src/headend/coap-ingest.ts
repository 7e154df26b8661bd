import type { EpochSeconds } from '../model/index.ts';
import { isMeterstackError } from '../model/index.ts';
import {
  CONTENT_FORMAT, SIGNATURE_OPTION, diagnostic, encodingOf, json, readingsTarget, verifyPayload,
  type CoapReply, type CoapRequest, type Notification,
} from '../protocols/coap/index.ts';
import { mapPayload } from '../protocols/payloads/index.ts';
import type { IngestResult, Ingestor } from '../ingest/ingest.port.ts';
import type { AuditInput } from '../store/store.port.ts';
import { AuditThrottle } from './coap-audit.ts';

/** Where device keys come from: a keystore file, a token; the head-end only asks. */
export interface CoapDeviceKeys {
  keyFor(meterId: string): Promise<Uint8Array | undefined>;
}

export interface CoapIngestDeps {
  readonly ingest: Ingestor;
  readonly keys: CoapDeviceKeys;
  readonly now: () => EpochSeconds;
  /** Security events (forged or unsigned messages, a device speaking for another meter). */
  audit(entries: readonly AuditInput[]): Promise<void>;
}

/** One message from a device, by POST or as an Observe notification. */
interface DeviceMessage {
  readonly meterId: string;
  readonly payload: Uint8Array;
  readonly contentFormat: number | string | undefined;
  readonly signature: Uint8Array | undefined;
  /** 'coap' for a POST, 'coap-observe' for a notification. */
  readonly via: 'coap' | 'coap-observe';
  readonly peer: string;
}

export type CoapOutcome =
  | { readonly kind: 'stored'; readonly result: IngestResult }
  | { readonly kind: 'rejected'; readonly code: string; readonly reason: string; readonly result: IngestResult }
  | { readonly kind: 'unauthorized'; readonly reason: string };

/** Rejections listed in a 2.04 answer; the rest are counted (the full list is under /rejects). */
const LISTED_REJECTIONS = 8;

/**
 * CoAP ↔ ingest: authenticate the device by its payload's HMAC, map the payload
 * (docs/payload-formats.md), submit it, and answer only once the pipeline acknowledged, so a 2.04
 * means durable. A message that cannot be mapped is still receipted and lands in the rejects
 * table; an unauthenticated one is not ingested at all, only audited.
 */
export class CoapIngest {
  readonly #deps: CoapIngestDeps;
  readonly #throttle: AuditThrottle;

  constructor(deps: CoapIngestDeps) {
    this.#deps = deps;
    this.#throttle = new AuditThrottle(deps.audit);
  }

  /** The CoAP server's handler for POST /r/<meter id>. */
  async handleRequest(req: CoapRequest): Promise<CoapReply> {
    let meterId: string;
    try {
      meterId = readingsTarget(req);
    } catch (err) {
      if (isMeterstackError(err)) return diagnostic(err.code, err.message);
      throw err;
    }
    let o: CoapOutcome;
    try {
      o = await this.ingestMessage({
        meterId, payload: req.payload, contentFormat: req.contentFormat, signature: req.options.get(SIGNATURE_OPTION),
        via: 'coap', peer: `${req.peer.address}:${req.peer.port}`,
      });
    } catch (err) {
      // The pipeline refused (backpressure, shut down, store failure): 5.03, the device retries.
      if (isMeterstackError(err)) return diagnostic(err.code, err.message);
      throw err;
    }
    if (o.kind === 'unauthorized') return diagnostic('COAP_UNAUTHORIZED', o.reason);
    if (o.kind === 'rejected') return diagnostic(o.code, o.reason, { receiptSeq: o.result.receiptSeq });
    return { code: '2.04', contentFormat: CONTENT_FORMAT.json, payload: json(summary(o.result)) };
  }

  /** An Observe notification from a device the platform observes. */
  handleNotification(meterId: string, n: Notification, peer: string): Promise<CoapOutcome> {
    return this.ingestMessage({ meterId, payload: n.payload, contentFormat: n.contentFormat, signature: n.options.get(SIGNATURE_OPTION), via: 'coap-observe', peer });
  }

  /** Throws only what the pipeline throws (backpressure, closed, store failure). */
  async ingestMessage(m: DeviceMessage): Promise<CoapOutcome> {
    const key = await this.#deps.keys.keyFor(m.meterId);
    if (key === undefined || !verifyPayload(key, m.payload, m.signature)) {
      const reason = key === undefined
        ? `device "${m.meterId}" has no CoAP key`
        : m.signature === undefined ? `the message has no signature (option ${SIGNATURE_OPTION})` : `the signature (option ${SIGNATURE_OPTION}) does not verify under the key of "${m.meterId}"`;
      this.#throttle.record({ at: this.#deps.now(), actor: `${m.via}:${m.peer}`, action: 'coap.auth-failed', object: `meter/${m.meterId}`, details: { reason, peer: m.peer } });
      return { kind: 'unauthorized', reason };
    }
    const source = `${m.via}:${m.meterId}`;
    const actor = `device:${m.meterId}`;
    const receivedAt = this.#deps.now();
    try {
      const mapped = mapPayload(m.payload, { deviceId: m.meterId, encoding: encodingOf(m.contentFormat), receivedAt });
      const result = await this.#deps.ingest.submitDecoded({ source, actor, bytes: m.payload, receivedAt, series: mapped.series, registers: mapped.registers, events: mapped.events });
      return { kind: 'stored', result };
    } catch (err) {
      if (!isMeterstackError(err) || !(err.code.startsWith('PAYLOAD_') || err.code.startsWith('COAP_'))) throw err;
      if (err.code === 'PAYLOAD_WRONG_DEVICE') {
        this.#throttle.record({ at: receivedAt, actor, action: 'coap.wrong-device', object: `meter/${m.meterId}`, details: { reason: err.message, peer: m.peer } });
      }
      const rejected = { code: err.code, reason: err.message, meterId: m.meterId };
      const result = await this.#deps.ingest.submitDecoded({ source, actor, bytes: m.payload, receivedAt, series: [], rejected });
      return { kind: 'rejected', code: err.code, reason: err.message, result };
    }
  }

  /** Audit entries not yet written (they are written in the background). */
  flush(): Promise<void> {
    return this.#throttle.flush();
  }
}

function summary(r: IngestResult): Record<string, unknown> {
  return {
    receiptSeq: r.receiptSeq, accepted: r.accepted, written: r.written, unchanged: r.unchanged, versioned: r.versioned,
    rejected: r.rejected.slice(0, LISTED_REJECTIONS), ...(r.rejected.length > LISTED_REJECTIONS ? { rejectedTotal: r.rejected.length } : {}),
  };
}
