import { MeterstackError } from '../../model/index.ts';

/**
 * The bytes a receipt covers for MQTT messages (docs/mqtt.md § Receipts). The ingest bridge hands
 * the messages one device sent within a flush window to the pipeline as one message; its receipt
 * is the SHA-256 of this envelope, which holds every message's topic and payload exactly as
 * received, in arrival order:
 *
 *   repeated: u16 BE topic length · topic (UTF-8) · u32 BE payload length · payload
 *
 * Anyone holding the original messages rebuilds the envelope and checks the receipt's hash.
 */

export interface EnvelopeEntry {
  readonly topic: string;
  readonly payload: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeEnvelope(entries: readonly EnvelopeEntry[]): Uint8Array {
  const topics = entries.map((e) => encoder.encode(e.topic));
  let size = 0;
  entries.forEach((e, i) => { size += 6 + topics[i]!.length + e.payload.length; });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  entries.forEach((e, i) => {
    const t = topics[i]!;
    if (t.length > 0xffff) throw new MeterstackError('MQTT_TOPIC_INVALID', 'a topic is at most 65535 bytes');
    view.setUint16(at, t.length);
    out.set(t, at + 2);
    at += 2 + t.length;
    view.setUint32(at, e.payload.length);
    out.set(e.payload, at + 4);
    at += 4 + e.payload.length;
  });
  return out;
}

export function decodeEnvelope(bytes: Uint8Array): EnvelopeEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: EnvelopeEntry[] = [];
  let at = 0;
  const need = (n: number, what: string): void => {
    if (at + n > bytes.length) throw new MeterstackError('MQTT_BAD_MESSAGE', `envelope ends inside ${what} at offset ${at}`, { offset: at });
  };
  while (at < bytes.length) {
    need(2, 'a topic length');
    const tl = view.getUint16(at);
    need(2 + tl, 'a topic');
    let topic: string;
    try {
      topic = decoder.decode(bytes.subarray(at + 2, at + 2 + tl));
    } catch (err) {
      throw new MeterstackError('MQTT_BAD_MESSAGE', `envelope topic at offset ${at} is not UTF-8`, { offset: at, cause: err });
    }
    at += 2 + tl;
    need(4, 'a payload length');
    const pl = view.getUint32(at);
    need(4 + pl, 'a payload');
    out.push({ topic, payload: bytes.slice(at + 4, at + 4 + pl) });
    at += 4 + pl;
  }
  return out;
}
