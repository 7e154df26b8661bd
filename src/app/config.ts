import { resolve } from 'node:path';
import { assertZone, MeterstackError } from '../model/index.ts';

/**
 * The one place that reads configuration (ARCHITECTURE.md §5). Flags override the environment,
 * the environment overrides defaults. Nothing else reads process.env for these.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly apiKey?: string;
  readonly databaseUrl?: string;
  readonly busUrl?: string;
  readonly mqttUrl?: string;
  readonly meters: number;
  readonly historyDays: number;
  readonly speed: number;
  readonly sim: boolean;
  readonly seed: number;
  readonly zone: string;
  /** Market zone and completeness threshold of settlement runs (the timetable's and the API's defaults). */
  readonly settlement: { readonly zone: string; readonly threshold: number };
  /** Live data read from the simulated meters over DLMS/TCP instead of handed over directly. */
  readonly dlms: boolean;
  /** TCP port of the simulated DLMS meters (each on its own 127.10.x.y address). */
  readonly dlmsPort: number;
  /** 'FULL' survives power loss too; 'NORMAL' (default) survives a killed process. */
  readonly synchronous: 'NORMAL' | 'FULL';
  /** MQTT at all (embedded broker, or the MQTT_URL client) — docs/mqtt.md. */
  readonly mqtt: boolean;
  /** TCP port of the embedded MQTT broker (1883); ignored with mqttUrl. */
  readonly mqttPort: number;
  /** The port was asked for (flag or MQTT_PORT): if it is taken, start fails instead of falling back. */
  readonly mqttPortExplicit: boolean;
  /** Simulated MQTT meters (devices and gateways) publishing to the broker. */
  readonly mqttDevices: number;
  /** A TLS listener of the embedded broker where a client certificate (CN = device id) signed by `ca` logs a device in. */
  readonly mqttTls?: { readonly port: number; readonly cert: string; readonly key: string; readonly ca: string };
  /** CoAP server for device readings (README "CoAP"): UDP, POST /r/<meter id>, Observe. */
  readonly coap: boolean;
  readonly coapHost: string;
  /** UDP port (5683); if it is taken and was not asked for explicitly, start falls back and says so. */
  readonly coapPort: number;
  readonly coapPortExplicit: boolean;
  /** Devices the platform observes (RFC 7641), from `meterId@host:port/path,…`. */
  readonly coapObserve: readonly CoapObserveTarget[];
}

export interface ConfigFlags {
  port?: string | number;
  host?: string;
  data?: string;
  meters?: string | number;
  history?: string | number;
  speed?: string | number;
  sim?: boolean;
  seed?: string | number;
  dlms?: boolean;
  dlmsPort?: string | number;
  mqtt?: boolean;
  mqttPort?: string | number;
  mqttDevices?: string | number;
  coap?: boolean;
  coapHost?: string;
  coapPort?: string | number;
  coapObserve?: string;
}

export interface CoapObserveTarget {
  readonly meterId: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

/** `SIM000001@127.0.0.1:5684/readings,…` (path defaults to /readings). */
export function parseCoapObserve(text: string | undefined): CoapObserveTarget[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((item) => {
    const m = /^([A-Za-z0-9._:-]{1,64})@([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})(\/[^,\s]*)?$/.exec(item.trim());
    const port = m ? Number(m[3]) : 0;
    if (!m || port < 1 || port > 65535) {
      throw new MeterstackError('CONFIG_INVALID', `--coap-observe / METERSTACK_COAP_OBSERVE: "${item}" is not meterId@host:port[/path] (e.g. SIM000001@127.0.0.1:5684/readings)`);
    }
    return { meterId: m[1]!, host: m[2]!.replace(/^\[|\]$/g, ''), port, path: m[4] && m[4] !== '/' ? m[4] : '/readings' };
  });
}

const int = (name: string, v: string | number | undefined, dflt: number, min: number, max: number): number => {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new MeterstackError('CONFIG_INVALID', `${name} must be an integer ${min}..${max}, got "${String(v)}"`);
  }
  return n;
};

function ianaZone(name: string, v: string): string {
  try {
    return assertZone(v);
  } catch (e) {
    throw new MeterstackError('CONFIG_INVALID', `${name}: ${(e as Error).message}`);
  }
}

/** METERSTACK_SETTLEMENT_ZONE (default: the fleet's zone) and METERSTACK_SETTLEMENT_THRESHOLD (0..1, default 0.99). */
function settlement(env: NodeJS.ProcessEnv, zone: string): Config['settlement'] {
  const raw = env.METERSTACK_SETTLEMENT_THRESHOLD;
  const threshold = raw === undefined || raw === '' ? 0.99 : Number(raw);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new MeterstackError('CONFIG_INVALID', `METERSTACK_SETTLEMENT_THRESHOLD must be a number 0..1 (share of expected intervals), got "${raw}"`);
  }
  return { zone: ianaZone('METERSTACK_SETTLEMENT_ZONE', env.METERSTACK_SETTLEMENT_ZONE || zone), threshold };
}

/** MQTT_TLS_PORT with MQTT_TLS_CERT, MQTT_TLS_KEY and MQTT_TLS_CA (PEM file paths), all or none. */
function mqttTls(env: NodeJS.ProcessEnv): { mqttTls?: Config['mqttTls'] } {
  const names = ['MQTT_TLS_PORT', 'MQTT_TLS_CERT', 'MQTT_TLS_KEY', 'MQTT_TLS_CA'] as const;
  const set = names.filter((n) => env[n] !== undefined && env[n] !== '');
  if (set.length === 0) return {};
  if (set.length < names.length) throw new MeterstackError('CONFIG_INVALID', `MQTT over TLS needs ${names.join(', ')}; missing ${names.filter((n) => !set.includes(n)).join(', ')}`);
  return { mqttTls: { port: int('MQTT_TLS_PORT', env.MQTT_TLS_PORT, 8883, 0, 65535), cert: resolve(env.MQTT_TLS_CERT!), key: resolve(env.MQTT_TLS_KEY!), ca: resolve(env.MQTT_TLS_CA!) } };
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const speed = Number(flags.speed ?? env.METERSTACK_SPEED ?? 1);
  if (!Number.isFinite(speed) || speed < 1 || speed > 100_000) {
    throw new MeterstackError('CONFIG_INVALID', `--speed must be a number 1..100000 (simulated seconds per real second), got "${String(flags.speed ?? env.METERSTACK_SPEED)}"`);
  }
  const opt = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  const sync = (env.METERSTACK_SYNC ?? 'NORMAL').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new MeterstackError('CONFIG_INVALID', `METERSTACK_SYNC must be NORMAL or FULL, got "${sync}"`);
  const apiKey = opt(env.METERSTACK_API_KEY);
  if (apiKey !== undefined && apiKey.length < 16) {
    throw new MeterstackError('CONFIG_INVALID', 'METERSTACK_API_KEY must be at least 16 characters');
  }
  const zone = ianaZone('METERSTACK_ZONE', env.METERSTACK_ZONE || 'Europe/Amsterdam');
  return {
    port: int('--port / PORT', flags.port ?? env.PORT, 8080, 0, 65535),
    host: flags.host ?? env.HOST ?? 'localhost',
    dataDir: resolve(flags.data ?? env.METERSTACK_DATA ?? './data'),
    ...(apiKey ? { apiKey } : {}),
    ...(opt(env.DATABASE_URL) ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(opt(env.BUS_URL) ? { busUrl: env.BUS_URL } : {}),
    ...(opt(env.MQTT_URL) ? { mqttUrl: env.MQTT_URL } : {}),
    meters: int('--meters', flags.meters ?? env.METERSTACK_METERS, 1000, 0, 1_000_000),
    historyDays: int('--history', flags.history ?? env.METERSTACK_HISTORY_DAYS, 30, 0, 3660),
    speed,
    sim: flags.sim ?? env.METERSTACK_SIM !== '0',
    seed: int('--seed', flags.seed ?? env.METERSTACK_SEED, 42, 0, 2 ** 31 - 1),
    zone,
    settlement: settlement(env, zone),
    synchronous: sync,
    dlms: flags.dlms ?? env.METERSTACK_DLMS !== '0',
    dlmsPort: int('--dlms-port', flags.dlmsPort ?? env.METERSTACK_DLMS_PORT, 4059, 1, 65535),
    mqtt: flags.mqtt ?? env.METERSTACK_MQTT !== '0',
    mqttPort: int('--mqtt-port / MQTT_PORT', flags.mqttPort ?? env.MQTT_PORT, 1883, 0, 65535),
    mqttPortExplicit: opt(String(flags.mqttPort ?? env.MQTT_PORT ?? '')) !== undefined,
    mqttDevices: int('--mqtt-devices', flags.mqttDevices ?? env.METERSTACK_MQTT_DEVICES, 10, 0, 100_000),
    ...mqttTls(env),
    coap: flags.coap ?? env.METERSTACK_COAP !== '0',
    coapHost: flags.coapHost ?? env.COAP_HOST ?? '127.0.0.1',
    coapPort: int('--coap-port / COAP_PORT', flags.coapPort ?? env.COAP_PORT, 5683, 0, 65535),
    coapPortExplicit: opt(String(flags.coapPort ?? env.COAP_PORT ?? '')) !== undefined,
    coapObserve: parseCoapObserve(flags.coapObserve ?? env.METERSTACK_COAP_OBSERVE),
  };
}
