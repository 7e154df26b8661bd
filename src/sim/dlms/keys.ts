/**
 * Per-meter security material and clock drift of the simulated DLMS fleet, deterministic from the
 * fleet seed, so a head-end can be handed the very keys the simulated meters use (through a
 * SoftwareKeyStore file, `fleetKeyStoreData`) and every run drifts the same way.
 *
 * Keys: HMAC-SHA-256 over (seed, meter id, role) under a fixed simulator label, first 16 octets.
 * They are test keys for a simulator, not secrets; still they only travel as SecretKey (redacted
 * in logs, JSON and inspect) except in the keystore file data, which exists to carry them.
 */
import { createHmac } from 'node:crypto';
import { SecretKey } from '../../protocols/dlms/security/secret-key.ts';
import type { MeterKeys, SoftwareKeyStoreData } from '../../protocols/dlms/security/keystore.ts';
import type { Fleet } from '../fleet.ts';
import { Rng, seedToInt } from '../prng.ts';

/** FLAG manufacturer id of the simulated meters (system title octets 1-3). */
export const SIM_MANUFACTURER = 'MSK';

/** Random stream of the clock drift; beyond the simulator's own STREAM ids so that it shifts none of them. */
const STREAM_CLOCK_DRIFT = 101;

const LABEL = 'meterstack-sim-dlms-keys/v1';

export interface SimMeterKeys {
  readonly meterId: string;
  /** 8 octets: 'MSK' + the meter index as a 40-bit big-endian number. */
  readonly systemTitle: Uint8Array;
  /** Global unicast encryption key. */
  readonly ek: SecretKey;
  /** Authentication key. */
  readonly ak: SecretKey;
  /** Master key (KEK), for key transfer. */
  readonly kek: SecretKey;
}

/** Fleet index of a simulator meter id (`SIM000001` → 0). */
export function simMeterIndex(meterId: string): number {
  const m = /^SIM(\d{6,})$/.exec(meterId);
  const n = m ? Number(m[1]) : 0;
  if (!m || !Number.isSafeInteger(n) || n < 1 || n > 2 ** 40) throw new RangeError(`${meterId} is not a simulator meter id (SIM000001 …)`);
  return n - 1;
}

export function simSystemTitle(meterIndex: number): Uint8Array {
  if (!Number.isSafeInteger(meterIndex) || meterIndex < 0 || meterIndex >= 2 ** 40) throw new RangeError(`meter index ${meterIndex} does not fit 5 octets`);
  const out = new Uint8Array(8);
  out.set(Buffer.from(SIM_MANUFACTURER, 'ascii'), 0);
  let v = meterIndex;
  for (let i = 7; i >= 3; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

function derive(seed: number, meterId: string, role: string): SecretKey {
  const mac = createHmac('sha256', LABEL).update(`${seed}\u0000${meterId}\u0000${role}`).digest();
  return new SecretKey(Uint8Array.from(mac.subarray(0, 16)), `${meterId}-${role}`);
}

/** The keys and system title of simulator meter `meterId` in the fleet of `seed` (a Fleet's seed or the seed it was made from). */
export function meterKeys(seed: number | string, meterId: string): SimMeterKeys {
  const s = seedToInt(seed);
  return {
    meterId,
    systemTitle: simSystemTitle(simMeterIndex(meterId)),
    ek: derive(s, meterId, 'ek'),
    ak: derive(s, meterId, 'ak'),
    kek: derive(s, meterId, 'kek'),
  };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** The JSON `SoftwareKeyStore.fromJSON` loads, holding every meter's EK, AK and KEK under ids `<meter>-ek` etc. */
export function fleetKeyStoreData(fleet: Fleet): SoftwareKeyStoreData {
  const keys: Record<string, string> = {};
  const meters: MeterKeys[] = [];
  for (const m of fleet.meters) {
    const k = meterKeys(fleet.seed, m.id);
    for (const key of [k.ek, k.ak, k.kek]) keys[key.id] = hex(key.bytes());
    meters.push({ meterId: m.id, systemTitle: hex(k.systemTitle), ek: k.ek.id, ak: k.ak.id, kek: k.kek.id });
  }
  return { keys, meters };
}

/**
 * A meter clock's error: `offsetS` at commissioning, then `ppm` parts per million of elapsed time.
 * Drawn uniformly from ±25 ppm (about ±2 s a day, a cheap quartz without temperature
 * compensation) and an offset of ±20 s.
 */
export interface ClockDrift {
  readonly ppm: number;
  readonly offsetS: number;
}

export function meterDrift(seed: number | string, meterIndex: number): ClockDrift {
  const rng = new Rng(seedToInt(seed), meterIndex, 0, STREAM_CLOCK_DRIFT);
  const ppm = Math.round(rng.range(-25, 25) * 100) / 100;
  const offsetS = Math.round(rng.range(-20, 20) * 100) / 100;
  return { ppm, offsetS };
}
