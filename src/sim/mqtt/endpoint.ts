import mqtt, { type MqttClient } from 'mqtt';
import {
  type CommandResult, commandFilter, encodeCommandResult, encodeStatus, formatTopic, parseCommand, parseTopic,
} from '../../protocols/mqtt/index.ts';
import type { OutboundQueue } from './queue.ts';

/**
 * A simulated MQTT device or gateway: one MQTT 3.1.1 connection (mqtt.js) with its own credential,
 * publishing for itself or, as a gateway, for several meters (docs/mqtt.md § Gateways).
 *
 * Store-and-forward: everything it produces goes into its queue first (DiskQueue: persisted);
 * while connected it publishes oldest first with QoS 1, at most `inFlight` unacknowledged, and a
 * message leaves the queue only on its PUBACK. When the connection drops it reconnects with
 * backoff and starts again from the oldest unacknowledged message, so a broker outage loses
 * nothing and a PUBACK lost in the outage only means the message is sent twice (stored once).
 */

export type CommandHandler = (meterId: string, name: string, args: Record<string, unknown>) => Promise<unknown>;

export interface EndpointOptions {
  /** Username and client id. */
  readonly id: string;
  readonly secret: string;
  /** mqtt://host:port */
  readonly url: string;
  /** The meters whose commands it takes: [id] for a device, the gateway's meters (and itself) for a gateway. */
  readonly meters: readonly string[];
  readonly queue: OutboundQueue;
  /** Unacknowledged publishes at once (default 16). */
  readonly inFlight?: number;
  /** Reconnect backoff, doubled per failed attempt up to max (default 200 ms … 5 s). */
  readonly reconnectMs?: { readonly min: number; readonly max: number };
  readonly onCommand?: CommandHandler;
  /** MQTT keepalive in seconds (default 60). */
  readonly keepalive?: number;
  /** Build the socket (e.g. to bind a source address); default: mqtt.js's own. */
  readonly connect?: (url: string, opts: mqtt.IClientOptions) => MqttClient;
}

export interface EndpointStats {
  readonly connected: boolean;
  readonly queued: number;
  readonly inFlight: number;
  readonly acked: number;
  readonly dropped: number;
  readonly connects: number;
  readonly lastError?: string;
}

export class MqttEndpoint {
  private client: MqttClient | undefined;
  private generation = 0;
  private online = false;
  private stopped = false;
  private lastSent = 0;
  private sending = 0;
  private ackedCount = 0;
  private connects = 0;
  private backoff: number;
  private retry: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly window: number;

  constructor(private readonly opts: EndpointOptions) {
    this.window = opts.inFlight ?? 16;
    this.backoff = opts.reconnectMs?.min ?? 200;
  }

  get id(): string {
    return this.opts.id;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Queues a message (persisted first) and sends it when it can. */
  publish(topic: string, payload: Uint8Array): void {
    this.opts.queue.push(topic, payload);
    this.pump();
  }

  stats(): EndpointStats {
    return {
      connected: this.online, queued: this.opts.queue.size, inFlight: this.sending, acked: this.ackedCount,
      dropped: this.opts.queue.dropped, connects: this.connects, ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Resolves once everything queued is acknowledged. */
  idle(): Promise<void> {
    if (this.opts.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Publishes `offline` (a clean disconnect sends no will), disconnects, keeps the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.generation++;
    this.online = false;
    if (client === undefined) return;
    if (client.connected) {
      await new Promise<void>((resolve) => {
        client.publish(this.statusTopic(), Buffer.from(encodeStatus('offline')), { qos: 1, retain: true }, () => resolve());
        setTimeout(resolve, 1000).unref();
      });
    }
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  }

  /** Drops the connection without a goodbye (the broker publishes the will), as a power cut would. */
  kill(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.generation++;
    this.online = false;
    this.client?.stream?.destroy();
    this.client?.end(true);
    this.client = undefined;
  }

  private statusTopic(): string {
    return formatTopic({ kind: 'status', deviceId: this.opts.id });
  }

  private connect(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    const options: mqtt.IClientOptions = {
      protocolVersion: 4, clientId: this.opts.id, username: this.opts.id, password: this.opts.secret,
      clean: true, reconnectPeriod: 0, connectTimeout: 5000, keepalive: this.opts.keepalive ?? 60, resubscribe: false,
      will: { topic: this.statusTopic(), payload: Buffer.from(encodeStatus('offline')), qos: 1, retain: true },
    };
    const client = (this.opts.connect ?? mqtt.connect)(this.opts.url, options);
    this.client = client;
    client.on('connect', () => {
      if (gen !== this.generation) return;
      this.online = true;
      this.connects++;
      this.backoff = this.opts.reconnectMs?.min ?? 200;
      client.publish(this.statusTopic(), Buffer.from(encodeStatus('online')), { qos: 1, retain: true });
      client.subscribe(this.opts.meters.map(commandFilter), { qos: 1 });
      // Whatever was in flight on the last connection is unacknowledged: send it again.
      this.lastSent = 0;
      this.sending = 0;
      this.pump();
    });
    client.on('message', (topic, payload) => { if (gen === this.generation) void this.command(client, topic, payload); });
    client.on('error', (err) => { this.lastError = err.message; });
    client.on('close', () => {
      if (gen !== this.generation) return;
      this.online = false;
      this.generation++;
      client.end(true);
      if (this.stopped) return;
      this.retry = setTimeout(() => this.connect(), this.backoff * (0.75 + Math.random() / 2));
      this.backoff = Math.min(this.backoff * 2, this.opts.reconnectMs?.max ?? 5000);
    });
  }

  private pump(): void {
    const client = this.client;
    if (!this.online || client === undefined) return;
    const gen = this.generation;
    for (const m of this.opts.queue.after(this.lastSent, this.window - this.sending)) {
      this.lastSent = m.seq;
      this.sending++;
      client.publish(m.topic, Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength), { qos: 1 }, (err) => {
        if (gen !== this.generation) return;
        this.sending--;
        // An error means the connection is going; the close handler starts over from the oldest.
        if (err) return;
        this.opts.queue.ack(m.seq);
        this.ackedCount++;
        if (this.opts.queue.size === 0) this.wakeIdle();
        this.pump();
      });
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async command(client: MqttClient, topic: string, payload: Buffer): Promise<void> {
    let t;
    let req;
    try {
      t = parseTopic(topic);
      if (t.kind !== 'command') return;
      req = parseCommand(payload);
    } catch {
      return;
    }
    let result: CommandResult;
    try {
      if (!this.opts.onCommand) throw new Error(`unknown command ${t.name}`);
      result = { id: req.id, ok: true, result: await this.opts.onCommand(t.deviceId, t.name, req.args) };
    } catch (err) {
      result = { id: req.id, ok: false, error: (err as Error).message };
    }
    client.publish(formatTopic({ kind: 'command-result', deviceId: t.deviceId, name: t.name }), Buffer.from(encodeCommandResult(result)), { qos: 1 });
  }
}
