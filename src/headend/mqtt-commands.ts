import { randomUUID } from 'node:crypto';
import { MeterstackError } from '../model/index.ts';
import { assertCommandName, assertDeviceId, encodeCommand, formatTopic, parseCommandResult } from '../protocols/mqtt/index.ts';
import type { MqttAuditLog } from './mqtt-audit.ts';

/**
 * Commands down to devices (docs/mqtt.md § Commands): publish `{"id", "args"}` to
 * meterstack/v1/<device>/commands/<name> and wait for the device's answer on …/<name>/result
 * with the same id. Every command, result and timeout goes to the audit log.
 */

export interface CommandPublisher {
  /** QoS 1; resolves when the broker took the message. */
  publish(topic: string, payload: Uint8Array): Promise<void>;
}

interface Waiting {
  readonly deviceId: string;
  readonly name: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (err: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

export class MqttCommands {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly publisher: CommandPublisher,
    private readonly audit: MqttAuditLog,
    private readonly defaultTimeoutMs = 10_000,
  ) {}

  /** Sends a command and resolves with the device's result; MQTT_COMMAND_FAILED / _TIMEOUT otherwise. */
  async send(deviceId: string, name: string, args: Record<string, unknown> = {}, opts: { timeoutMs?: number; actor?: string; auditArgs?: Record<string, unknown> } = {}): Promise<unknown> {
    assertDeviceId(deviceId);
    assertCommandName(name);
    const id = randomUUID();
    const actor = opts.actor ?? 'platform';
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.audit.record(actor, 'mqtt.command.timeout', `mqtt/${deviceId}`, { id, name, timeoutMs });
        reject(new MeterstackError('MQTT_COMMAND_TIMEOUT', `${deviceId} did not answer ${name} (${id}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { deviceId, name, resolve, reject, timer });
    });
    // auditArgs: what the audit entry records instead of bulky args (a firmware block records its number and size, not its bytes).
    this.audit.record(actor, 'mqtt.command.sent', `mqtt/${deviceId}`, { id, name, args: opts.auditArgs ?? args });
    try {
      await this.publisher.publish(formatTopic({ kind: 'command', deviceId, name }), encodeCommand({ id, args }));
    } catch (err) {
      const w = this.waiting.get(id);
      if (w) {
        clearTimeout(w.timer);
        this.waiting.delete(id);
      }
      answer.catch(() => undefined);
      throw new MeterstackError('MQTT_BROKER_UNAVAILABLE', `command ${name} to ${deviceId} not sent: ${(err as Error).message}`, { cause: err });
    }
    return answer;
  }

  /** A message on …/<device>/commands/<name>/result (the broker checked who may publish there). */
  onResult(deviceId: string, name: string, payload: Uint8Array): void {
    let r;
    try {
      r = parseCommandResult(payload);
    } catch (err) {
      this.audit.record(deviceId, 'mqtt.message.invalid', `mqtt/${deviceId}`, { kind: 'command-result', name, reason: (err as Error).message });
      return;
    }
    const w = this.waiting.get(r.id);
    // Unknown ids (late answers after a timeout, or answers for another device) are only logged.
    if (w === undefined || w.deviceId !== deviceId || w.name !== name) {
      this.audit.record(deviceId, 'mqtt.command.unexpected-result', `mqtt/${deviceId}`, { id: r.id, name });
      return;
    }
    clearTimeout(w.timer);
    this.waiting.delete(r.id);
    this.audit.record(deviceId, 'mqtt.command.result', `mqtt/${deviceId}`, r.ok ? { id: r.id, name, ok: true } : { id: r.id, name, ok: false, error: r.error });
    if (r.ok) w.resolve(r.result);
    else w.reject(new MeterstackError('MQTT_COMMAND_FAILED', `${deviceId} answered ${name}: ${r.error}`));
  }

  /** Fails every command still waiting (on shutdown). */
  close(): void {
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new MeterstackError('MQTT_BROKER_UNAVAILABLE', `shutting down; ${w.name} to ${w.deviceId} (${id}) got no answer`));
    }
    this.waiting.clear();
  }
}
