import { resolve } from 'node:path';
import { MeterstackError } from '../model/index.ts';

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
  /** Live data read from the simulated meters over DLMS/TCP instead of handed over directly. */
  readonly dlms: boolean;
  /** TCP port of the simulated DLMS meters (each on its own 127.10.x.y address). */
  readonly dlmsPort: number;
  /** 'FULL' survives power loss too; 'NORMAL' (default) survives a killed process. */
  readonly synchronous: 'NORMAL' | 'FULL';
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
}

const int = (name: string, v: string | number | undefined, dflt: number, min: number, max: number): number => {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new MeterstackError('CONFIG_INVALID', `${name} must be an integer ${min}..${max}, got "${String(v)}"`);
  }
  return n;
};

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
    zone: env.METERSTACK_ZONE ?? 'Europe/Amsterdam',
    synchronous: sync,
    dlms: flags.dlms ?? env.METERSTACK_DLMS !== '0',
    dlmsPort: int('--dlms-port', flags.dlmsPort ?? env.METERSTACK_DLMS_PORT, 4059, 1, 65535),
  };
}
