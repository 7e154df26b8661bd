import { MeterstackError, hasCode, type ErrorCode, type FirmwareImageBytes, type FirmwarePath, type Meter, type UpgradeProgress } from '../model/index.ts';
import type { MqttCommands } from './mqtt-commands.ts';

/**
 * Firmware over MQTT commands (docs/mqtt.md § Firmware commands, docs/firmware.md):
 * firmware-initiate {identifier, size, sha256, blockSize, version} → {nextBlock}: the device keeps
 * what it holds of the same identifier and sha256, so a stopped transfer resumes at nextBlock;
 * firmware-block {n, data (base64)} per block; firmware-verify → {ok}; firmware-activate → {version}.
 */

export interface MqttFirmwarePathOptions {
  /** Which meters this path reaches (those that take commands over MQTT). */
  readonly reaches: (meter: Meter) => boolean;
  /** Bytes per block (default 2048). */
  readonly blockSize?: number;
  /** Per command (default 15 s; activation may take longer on a real meter: `activateTimeoutMs`). */
  readonly timeoutMs?: number;
  readonly activateTimeoutMs?: number;
  readonly actor?: string;
}

export class MqttFirmwarePath implements FirmwarePath {
  readonly name = 'mqtt';
  private readonly blockSize: number;

  constructor(private readonly commands: Pick<MqttCommands, 'send'>, private readonly opts: MqttFirmwarePathOptions) {
    this.blockSize = opts.blockSize ?? 2048;
    if (!Number.isInteger(this.blockSize) || this.blockSize < 64 || this.blockSize > 65_536) {
      throw new MeterstackError('CONFIG_INVALID', `firmware block size ${this.blockSize} is not 64–65536 bytes`);
    }
  }

  reaches(meter: Meter): boolean {
    return this.opts.reaches(meter);
  }

  async upgrade(meter: Meter, image: FirmwareImageBytes, progress: (p: UpgradeProgress) => void, signal: AbortSignal): Promise<{ readonly version: string }> {
    const total = Math.ceil(image.bytes.length / this.blockSize);
    const send = (name: string, args: Record<string, unknown>, code: ErrorCode, extra: { timeoutMs?: number; auditArgs?: Record<string, unknown> } = {}): Promise<unknown> => {
      stopIfAborted(signal, meter.id);
      return this.commands.send(meter.id, name, args, { timeoutMs: this.opts.timeoutMs ?? 15_000, actor: this.opts.actor ?? 'firmware', ...extra })
        .catch((e: unknown) => {
          if (hasCode(e, 'MQTT_COMMAND_FAILED')) throw new MeterstackError(code, `${meter.id}: ${name}: ${(e as Error).message}`, { cause: e });
          throw e;
        });
    };
    const init = await send('firmware-initiate', {
      identifier: image.identifier, size: image.bytes.length, sha256: image.sha256, blockSize: this.blockSize, version: image.version,
    }, 'FIRMWARE_TRANSFER_FAILED') as { nextBlock?: unknown } | null;
    const from = typeof init?.nextBlock === 'number' && Number.isInteger(init.nextBlock) && init.nextBlock >= 0 && init.nextBlock <= total ? init.nextBlock : 0;
    progress({ step: 'transfer', done: from, total });
    for (let n = from; n < total; n++) {
      const chunk = image.bytes.subarray(n * this.blockSize, Math.min(image.bytes.length, (n + 1) * this.blockSize));
      await send('firmware-block', { n, data: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64') }, 'FIRMWARE_TRANSFER_FAILED',
        { auditArgs: { n, bytes: chunk.length } });
      progress({ step: 'transfer', done: n + 1, total });
    }
    progress({ step: 'verify', done: 0, total: 1 });
    await send('firmware-verify', {}, 'FIRMWARE_VERIFY_FAILED');
    progress({ step: 'verify', done: 1, total: 1 });
    progress({ step: 'activate', done: 0, total: 1 });
    const r = await send('firmware-activate', {}, 'FIRMWARE_ACTIVATE_FAILED', { timeoutMs: this.opts.activateTimeoutMs ?? 60_000 }) as { version?: unknown } | null;
    if (typeof r?.version !== 'string') throw new MeterstackError('FIRMWARE_ACTIVATE_FAILED', `${meter.id} answered firmware-activate without a version`);
    progress({ step: 'activate', done: 1, total: 1 });
    return { version: r.version };
  }
}

function stopIfAborted(signal: AbortSignal, meterId: string): void {
  if (signal.aborted) throw new MeterstackError('FIRMWARE_ABORTED', `upgrade of ${meterId} stopped`);
}
