// Helpers for the MQTT tests: a platform composed as `meterstack start` composes it, our own
// mosquitto on a free loopback port, and mosquitto_pub runs. Every wait is bounded.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { type Config, loadConfig } from '../../src/app/config.ts';
import { addMqttCredential, writeMosquittoConfig } from '../../src/app/mqtt-credentials.ts';
import { startMqtt, type MqttRuntime } from '../../src/app/mqtt.ts';
import { openPlatform, type Platform } from '../../src/app/platform.ts';
import type { Meter } from '../../src/model/index.ts';
import { sleep, within } from './process.ts';

export const NOW = (): number => Math.floor(Date.now() / 1000);

export function meter(id: string): Meter {
  return { id, kind: 'electricity', status: 'active', timeZone: 'Europe/Amsterdam' };
}

/**
 * A port that is free now and stays out of the kernel's ephemeral range (32768+ on Linux), so a
 * listener on port 0 started later (the platform's HTTP server) cannot be handed the same one.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 10_000);
    const s = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      await new Promise<void>((resolve) => s.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port in 10000-19999 after 50 attempts');
}

export interface TestPlatform {
  readonly platform: Platform;
  readonly logs: string[];
  mqtt?: MqttRuntime;
  /** startMqtt, with configuration on top of the embedded broker on a free port (e.g. mqttUrl, mqttTls). */
  startMqtt(overrides?: Partial<Config>): Promise<MqttRuntime>;
  close(): Promise<void>;
}

/** openPlatform on `dir` (SQLite, pipeline) with `meters` registered; MQTT is started separately. */
export async function testPlatform(dir: string, meters: readonly string[], mqttPort = 0): Promise<TestPlatform> {
  const platform = await openPlatform(loadConfig({ data: dir, sim: false, host: '127.0.0.1', mqttPort }, {}));
  await platform.store.upsertMeters(meters.map(meter));
  const logs: string[] = [];
  const t: TestPlatform = {
    platform, logs,
    async startMqtt(overrides = {}) {
      const p = { ...platform, config: { ...platform.config, ...overrides } };
      t.mqtt = await startMqtt(p, NOW, (m) => logs.push(m));
      return t.mqtt;
    },
    async close() {
      await t.mqtt?.close();
      await platform.close();
    },
  };
  return t;
}

export async function credential(p: Platform, id: string, kind: 'device' | 'gateway' | 'platform' = 'device', meters: string[] = []): Promise<string> {
  return addMqttCredential(p.store, { id, kind, meters }, NOW(), { rotate: true, actor: 'test' });
}

export interface PubResult {
  readonly code: number;
  readonly output: string;
}

/** mosquitto_pub (MQTT 3.1.1), bounded to 10 s. */
export function mosquittoPub(port: number, args: readonly string[]): Promise<PubResult> {
  return new Promise((resolve) => {
    execFile('mosquitto_pub', ['-V', 'mqttv311', '-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export function hasBinary(name: string): Promise<boolean> {
  return new Promise((resolve) => execFile(name, ['--help'], { timeout: 5000 }, (err) => resolve(!(err && (err as NodeJS.ErrnoException).code === 'ENOENT'))));
}

/** Our own mosquitto (not the system one) with the platform's generated config. */
export class Mosquitto {
  private child: ChildProcess | undefined;
  log = '';

  constructor(readonly dir: string, readonly port: number) {}

  static async configure(p: Platform, dir: string, port: number): Promise<Mosquitto> {
    // Started as root, mosquitto would switch to user "mosquitto", who cannot read the 0600 passwd file.
    const user = process.getuid?.() === 0 ? { user: 'root' } : {};
    await writeMosquittoConfig(p.store, { dir, port, host: '127.0.0.1', persistence: false, ...user });
    return new Mosquitto(dir, port);
  }

  async start(): Promise<void> {
    const child = spawn('mosquitto', ['-c', `${this.dir}/mosquitto.conf`], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (b) => { this.log += String(b); });
    child.stderr!.on('data', (b) => { this.log += String(b); });
    await within((async () => {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`mosquitto exited: ${this.log}`);
        if (await canConnect(this.port)) return;
        await sleep(50);
      }
    })(), 5000, () => `mosquitto on ${this.port}: ${this.log}`);
  }

  /** SIGTERM, then SIGKILL after 2 s; resolves when the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await within(gone, 5000, 'mosquitto to exit');
    clearTimeout(timer);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Polls `check` until it returns a value other than undefined, at most `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  return within((async () => {
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      await sleep(50);
    }
  })(), ms, what);
}
