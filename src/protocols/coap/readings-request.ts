import { MeterstackError, type ErrorCode } from '../../model/index.ts';
import { CONTENT_FORMAT } from './manifest.ts';

/** A CoAP request as the transport hands it over: nothing library-specific. */
export interface CoapRequest {
  readonly method: string;
  /** Uri-Path segments, raw (`/r/SIM000001` → ['r', 'SIM000001']). */
  readonly path: readonly string[];
  /** Content-Format as a number, or the name the library gave a format it knows and we do not. */
  readonly contentFormat?: number | string;
  /** Options by number, for those the adapter itself reads (the signature). */
  readonly options: ReadonlyMap<number, Uint8Array>;
  readonly payload: Uint8Array;
  readonly peer: { readonly address: string; readonly port: number };
  readonly messageId: number;
  readonly confirmable: boolean;
}

export interface CoapReply {
  /** Response code as "c.dd", e.g. "2.04". */
  readonly code: string;
  readonly payload?: Uint8Array;
  readonly contentFormat?: number;
}

export type Encoding = 'json' | 'cbor';

/** A meter id in a path segment: what meter ids look like elsewhere (serials, logical device names). */
const METER_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** `/r/<meter id>` → the meter id; anything else is not a resource of ours. */
export function readingsTarget(req: CoapRequest): string {
  const [first, id, ...rest] = req.path;
  if (first !== 'r' || id === undefined || rest.length > 0 || !METER_ID.test(id)) {
    throw new MeterstackError('COAP_NOT_FOUND', `no resource /${req.path.join('/')}; readings are posted to /r/<meter id>`);
  }
  if (req.method !== 'POST') throw new MeterstackError('COAP_METHOD_NOT_ALLOWED', `${req.method} is not allowed on /r/${id}; readings are POSTed`);
  return id;
}

/** Content-Format 50 (JSON) or 60 (CBOR); absent or anything else is refused, never sniffed. */
export function encodingOf(contentFormat: number | string | undefined): Encoding {
  if (contentFormat === CONTENT_FORMAT.json) return 'json';
  if (contentFormat === CONTENT_FORMAT.cbor) return 'cbor';
  throw new MeterstackError('COAP_UNSUPPORTED_CONTENT_FORMAT',
    `Content-Format ${contentFormat === undefined ? 'is missing' : `${contentFormat} is not supported`}; send application/json (50) or application/cbor (60)`);
}

/** CoAP response code for an error code; 4.xx for the device's fault, 5.xx for ours. */
export function coapCodeFor(code: ErrorCode | string): string {
  switch (code) {
    case 'COAP_NOT_FOUND': return '4.04';
    case 'COAP_METHOD_NOT_ALLOWED': return '4.05';
    case 'COAP_UNSUPPORTED_CONTENT_FORMAT': return '4.15';
    case 'COAP_UNAUTHORIZED': return '4.01';
    case 'PAYLOAD_WRONG_DEVICE': return '4.03';
    case 'INGEST_BACKPRESSURE': case 'INGEST_CLOSED': case 'INGEST_STORE_FAILED': return '5.03';
    default: return code.startsWith('PAYLOAD_') ? '4.00' : '5.00';
  }
}

/** A JSON diagnostic payload: stable code, reason, and the receipt when the message was recorded. */
export function diagnostic(code: string, reason: string, extra: Record<string, unknown> = {}): CoapReply {
  return { code: coapCodeFor(code), contentFormat: CONTENT_FORMAT.json, payload: json({ code, reason, ...extra }) };
}

export function json(v: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(v));
}
