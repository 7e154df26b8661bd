import { join } from 'node:path';
import { type EpochSeconds, type IntervalSeries, type MeterEvent, type Obis, obis } from '../../model/index.ts';
import { formatTopic } from '../../protocols/mqtt/index.ts';
import type { Fleet } from '../fleet.ts';
import { FleetSimulator } from '../simulator.ts';
import { FleetDataSource } from '../dlms/data-source.ts';
import { type CommandHandler, MqttEndpoint, type EndpointOptions } from './endpoint.ts';
import { encodeEvents, encodeReadings, encodeRegisters, type ReadingsFormat } from './payloads.ts';
import { DiskQueue, MemoryQueue, type OutboundQueue, type QueueLimits } from './queue.ts';
import { SimFirmware, type SimFirmwareOptions } from './firmware.ts';

/**
 * A simulated fleet of MQTT meters: devices (one connection per meter) and gateways (one
 * connection for several meters), each with its store-and-forward queue, publishing the
 * FleetSimulator's readings of their meters (docs/mqtt.md § Simulated meters).
 */

export interface EndpointSpec {
  readonly id: string;
  readonly secret: string;
  /** A device: [its id]; a gateway: its meters. */
  readonly meters: readonly string[];
}

export interface MqttSimFleetOptions {
  /** The meters' data; their ids are the MQTT meter ids. */
  readonly fleet: Fleet;
  readonly url: string;
  readonly endpoints: readonly EndpointSpec[];
  /** Where each endpoint keeps its queue (`<dir>/<id>.queue`); in memory when absent. */
  readonly queueDir?: string;
  readonly queueLimits?: Partial<QueueLimits>;
  readonly inFlight?: number;
  /** Instant the registers hold their initial values, for read-now. */
  readonly registersStart: EpochSeconds;
  readonly now: () => EpochSeconds;
  readonly reconnectMs?: EndpointOptions['reconnectMs'];
  readonly keepalive?: number;
  readonly connect?: EndpointOptions['connect'];
  /** Firmware commands (docs/mqtt.md § Firmware commands): persisted versions, failures, block delay. */
  readonly firmware?: Omit<SimFirmwareOptions, 'initial'>;
}

const IMPORT = obis('1-0:1.8.0');
const EXPORT = obis('1-0:2.8.0');

export class MqttSimFleet {
  readonly endpoints: readonly MqttEndpoint[];
  private readonly byMeter = new Map<string, MqttEndpoint>();
  private readonly formats = new Map<string, ReadingsFormat>();
  private readonly sim: FleetSimulator;
  private data: FleetDataSource | undefined;
  private readonly counts = new Map<string, number>();
  private readonly queues: OutboundQueue[] = [];
  /** The meters' firmware: transfers in progress and the version each runs. */
  readonly firmware: SimFirmware;

  constructor(private readonly opts: MqttSimFleetOptions) {
    this.sim = new FleetSimulator(opts.fleet);
    const initial = new Map(opts.fleet.meters.map((m) => [m.id, m.firmware]));
    this.firmware = new SimFirmware({ ...opts.firmware, initial: (id) => initial.get(id) });
    opts.fleet.meters.forEach((m, i) => this.formats.set(m.id, i % 2 === 0 ? 'compact' : 'channels'));
    this.endpoints = opts.endpoints.map((e) => {
      const queue = opts.queueDir === undefined
        ? new MemoryQueue({ maxMessages: 100_000, maxBytes: 64 * 1024 * 1024, overflow: 'drop-oldest', ...opts.queueLimits })
        : new DiskQueue(join(opts.queueDir, `${e.id}.queue`), opts.queueLimits);
      this.queues.push(queue);
      const onCommand: CommandHandler = (meterId, name, args) => (this.firmware.handles(name) ? this.firmware.handle(meterId, name, args) : this.command(meterId, name));
      const endpoint = new MqttEndpoint({
        id: e.id, secret: e.secret, url: opts.url, meters: e.meters.includes(e.id) ? e.meters : [e.id, ...e.meters], queue, onCommand,
        ...(opts.inFlight !== undefined ? { inFlight: opts.inFlight } : {}),
        ...(opts.reconnectMs ? { reconnectMs: opts.reconnectMs } : {}),
        ...(opts.keepalive !== undefined ? { keepalive: opts.keepalive } : {}),
        ...(opts.connect ? { connect: opts.connect } : {}),
      });
      for (const m of e.meters) this.byMeter.set(m, endpoint);
      return endpoint;
    });
  }

  start(): void {
    for (const e of this.endpoints) e.start();
  }

  /** Simulates (from, to] and queues every meter's readings and events on its endpoint. */
  produce(from: EpochSeconds, to: EpochSeconds): { messages: number; readings: number } {
    const out = this.sim.intervalsBetween(from, to);
    const series = groupBy(out.series, (s) => s.meterId);
    const events = groupBy(out.events, (e) => e.meterId);
    let messages = 0;
    let readings = 0;
    for (const [meterId, list] of series) {
      const endpoint = this.byMeter.get(meterId);
      if (endpoint === undefined) continue;
      const p = encodeReadings(meterId, list, this.formats.get(meterId)!);
      endpoint.publish(formatTopic({ kind: 'readings', deviceId: meterId, encoding: p.encoding }), p.bytes);
      messages++;
      for (const s of list) {
        readings += s.values.length;
        const key = `${meterId}|${s.channel}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + s.values.length);
      }
    }
    for (const [meterId, list] of events) {
      const endpoint = this.byMeter.get(meterId);
      if (endpoint === undefined) continue;
      const p = encodeEvents(meterId, list);
      endpoint.publish(formatTopic({ kind: 'events', deviceId: meterId, encoding: p.encoding }), p.bytes);
      messages++;
    }
    return { messages, readings };
  }

  /** Interval values queued so far, per `meter|channel`. */
  produced(): ReadonlyMap<string, number> {
    return this.counts;
  }

  /** Resolves once every endpoint's queue is empty. */
  async idle(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.idle()));
  }

  queued(): number {
    return this.endpoints.reduce((n, e) => n + e.stats().queued, 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.stop()));
    for (const q of this.queues) q.close();
  }

  private async command(meterId: string, name: string): Promise<unknown> {
    const now = this.opts.now();
    if (name === 'ping') return { pong: now };
    // A peak-event notice for the in-home display (docs/demand-response.md): shown, and said so.
    if (name === 'ihd-message') return { shown: true, at: now };
    if (name !== 'read-now') throw new Error(`unknown command ${name}`);
    // The registers at the last 15-minute boundary, sent as a reading too (so they are stored).
    const at = Math.floor(now / 900) * 900;
    this.data ??= new FleetDataSource(this.opts.fleet, { start: this.opts.registersStart });
    const r = this.data.registersAt(this.data.meterIndex(meterId), at);
    const regs = new Map<Obis, number>([[IMPORT, r.imp], [EXPORT, r.exp]]);
    const p = encodeRegisters(meterId, at, regs);
    this.byMeter.get(meterId)?.publish(formatTopic({ kind: 'readings', deviceId: meterId, encoding: p.encoding }), p.bytes);
    return { at, registers: Object.fromEntries(regs) };
  }
}

function groupBy<T extends IntervalSeries | MeterEvent>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it); else out.set(k, [it]);
  }
  return out;
}
