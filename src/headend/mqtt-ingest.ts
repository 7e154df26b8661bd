import { type EpochSeconds, type IntervalSeries, type MeterEvent, type RegisterReading, isMeterstackError } from '../model/index.ts';
import type { Ingestor } from '../ingest/ingest.port.ts';
import { type DeviceState, type MqttTopic, type Principal, encodeEnvelope, parseStatus } from '../protocols/mqtt/index.ts';
import { type MappedPayload, mapPayload } from '../protocols/payloads/index.ts';
import type { MqttAuditLog } from './mqtt-audit.ts';

/**
 * Broker messages → vendor payload mappers → the ingest pipeline (docs/mqtt.md § Ingest, Receipts).
 *
 * Readings and events are mapped as they arrive; the messages that arrive within one flush window
 * (one turn of the event loop, at most `maxBatch`) go to the pipeline as ONE message, whatever
 * devices sent them: source `mqtt`, actor `mqtt` (the MQTT head-end, acting for devices the broker
 * authenticated), bytes the envelope of every message's topic and payload (envelope.ts), so the
 * receipt's SHA-256 covers each message's exact bytes and the topic names its device. Small
 * messages cost the pipeline per message (receipt, checks, a transaction per submitter); batched,
 * ten thousand devices fit (bench/mqtt-ingest.bench.ts). A payload no mapper accepts becomes its
 * own pipeline message with `rejected`, source `mqtt:<device>` (its receipt and a reject row with
 * the reason): never dropped, never guessed.
 *
 * `handle` resolves only when the pipeline acknowledged (committed) the message; the embedded
 * broker sends its PUBACK then, the external bridge its PUBACK to the broker.
 */

export interface MqttIngestOptions {
  readonly ingestor: Pick<Ingestor, 'submitDecoded'>;
  readonly audit: MqttAuditLog;
  readonly now: () => EpochSeconds;
  /** At most this many MQTT messages in one pipeline message (default 256). */
  readonly maxBatch?: number;
  /** A device answered a command. */
  readonly onCommandResult?: (deviceId: string, name: string, payload: Uint8Array) => void;
}

export interface DeviceStatus {
  readonly state: DeviceState;
  readonly at: EpochSeconds;
}

interface Pending {
  readonly topic: string;
  readonly deviceId: string;
  readonly payload: Uint8Array;
  readonly mapped?: MappedPayload;
  readonly rejected?: { readonly code: string; readonly reason: string };
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export interface MqttIngestStats {
  /** MQTT messages with readings or events received, and how many of them were rejected whole. */
  readonly messages: number;
  readonly rejectedMessages: number;
  /** Pipeline messages submitted for them. */
  readonly batches: number;
  /** Intervals stored for the first time, and intervals received again unchanged (a resend after a lost PUBACK). */
  readonly written: number;
  readonly unchanged: number;
}

export class MqttIngest {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly statuses = new Map<string, DeviceStatus>();
  private readonly maxBatch: number;
  private counts = { messages: 0, rejectedMessages: 0, batches: 0, written: 0, unchanged: 0 };

  constructor(private readonly opts: MqttIngestOptions) {
    this.maxBatch = opts.maxBatch ?? 256;
  }

  /** One message the broker let through its access rules; `from` is who published it. */
  handle(topicText: string, topic: MqttTopic, payload: Uint8Array, from: Principal, meta: { retained?: boolean } = {}): Promise<void> {
    switch (topic.kind) {
      case 'readings':
      case 'events':
        return this.enqueue(topicText, topic.deviceId, topic.encoding, payload);
      case 'status':
        this.onStatus(topic.deviceId, payload, from, meta.retained === true);
        return Promise.resolve();
      case 'command-result':
        this.opts.onCommandResult?.(topic.deviceId, topic.name, payload);
        return Promise.resolve();
      case 'command':
        // The platform's own commands, seen again by a wildcard subscription: nothing to do.
        return Promise.resolve();
    }
  }

  statusOf(deviceId: string): DeviceStatus | undefined {
    return this.statuses.get(deviceId);
  }

  stats(): MqttIngestStats {
    return { ...this.counts };
  }

  private enqueue(topic: string, deviceId: string, encoding: 'json' | 'cbor', payload: Uint8Array): Promise<void> {
    this.counts.messages++;
    let mapped: MappedPayload | undefined;
    let rejected: Pending['rejected'];
    try {
      mapped = mapPayload(payload, { deviceId, encoding, receivedAt: this.opts.now() });
    } catch (err) {
      // Mappers throw typed errors only; anything else is our bug, and the message is kept all the same.
      rejected = isMeterstackError(err) ? { code: err.code, reason: err.message } : { code: 'INTERNAL', reason: `payload mapper failed: ${String(err)}` };
      this.counts.rejectedMessages++;
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, deviceId, payload, ...(mapped ? { mapped } : {}), ...(rejected ? { rejected } : {}), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * In arrival order: runs of mapped messages merged, each rejected one alone. The pipeline answers
   * in submission order, so every client still gets its PUBACKs in the order it published.
   */
  private flush(): void {
    this.scheduled = false;
    const list = this.pending;
    this.pending = [];
    for (let i = 0; i < list.length;) {
      let j = i + 1;
      if (list[i]!.rejected === undefined) while (j < list.length && list[j]!.rejected === undefined && j - i < this.maxBatch) j++;
      this.submit(list.slice(i, j));
      i = j;
    }
  }

  private submit(run: Pending[]): void {
    const first = run[0]!;
    const base = {
      source: first.rejected !== undefined ? `mqtt:${first.deviceId}` : 'mqtt', actor: 'mqtt', receivedAt: this.opts.now(),
      bytes: encodeEnvelope(run.map((m) => ({ topic: m.topic, payload: m.payload }))),
    };
    this.counts.batches++;
    const msg = first.rejected !== undefined
      ? { ...base, series: [], rejected: { ...first.rejected, meterId: first.deviceId } }
      : { ...base, ...merge(run.map((m) => m.mapped!)) };
    this.opts.ingestor.submitDecoded(msg).then(
      (r) => {
        this.counts.written += r.written;
        this.counts.unchanged += r.unchanged;
        for (const m of run) m.resolve();
      },
      (err: unknown) => { for (const m of run) m.reject(err); },
    );
  }

  private onStatus(deviceId: string, payload: Uint8Array, from: Principal, retained: boolean): void {
    let state: DeviceState;
    try {
      state = parseStatus(payload);
    } catch (err) {
      this.opts.audit.record(from.id, 'mqtt.message.invalid', `mqtt/${deviceId}`, { kind: 'status', reason: (err as Error).message });
      return;
    }
    const at = this.opts.now();
    this.statuses.set(deviceId, { state, at });
    this.opts.audit.record(from.id, `mqtt.device.${state}`, `mqtt/${deviceId}`, { ...(retained ? { retained } : {}), ...(from.id !== deviceId ? { via: from.id } : {}) });
  }
}

function merge(parts: readonly MappedPayload[]): { series: IntervalSeries[]; registers: RegisterReading[]; events: MeterEvent[] } {
  if (parts.length === 1) return { series: [...parts[0]!.series], registers: [...parts[0]!.registers], events: [...parts[0]!.events] };
  const series: IntervalSeries[] = [];
  const registers: RegisterReading[] = [];
  const events: MeterEvent[] = [];
  for (const p of parts) {
    series.push(...p.series);
    registers.push(...p.registers);
    events.push(...p.events);
  }
  return { series, registers, events };
}
