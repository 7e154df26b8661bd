/**
 * Seeded randomness. Every random stream is keyed by (fleet seed, object index, day, stream id)
 * through a hash instead of drawing from one sequential generator: that is what lets any day be
 * produced on its own and still come out identical, whatever was generated before it.
 */

/** Stream ids; one per kind of randomness so that adding draws to one never shifts another. */
export const STREAM = {
  profile: 1,
  topology: 2,
  household: 3,
  appliance: 4,
  ev: 5,
  heatPump: 6,
  business: 7,
  weather: 8,
  climate: 9,
  outage: 10,
  mv: 11,
  voltage: 12,
  meterInfo: 13,
  hotWater: 14,
} as const;

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3-style hash of up to four 32-bit integers. */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = mix(0x9747b28c, a | 0);
  h = mix(h, b | 0);
  h = mix(h, c | 0);
  h = mix(h, d | 0);
  return fmix(h ^ 16);
}

/** A seed given as text (e.g. from the command line) or number, folded to 32 bits. */
export function seedToInt(seed: number | string): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) return seed >>> 0;
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): four 32-bit words, passes
 * PractRand, and costs a few integer ops per draw. One instance is reseeded per stream rather than
 * allocated, so the hot loops create no garbage.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  constructor(seed = 0, x = 0, y = 0, z = 0) {
    this.reseed(seed, x, y, z);
  }

  reseed(seed: number, x: number, y: number, z: number): this {
    const h = hash32(seed, x, y, z);
    this.a = h;
    this.b = hash32(h, 0x68e31da4);
    this.c = hash32(h, 0xb5297a4d);
    this.d = 1;
    // A few rounds spread the hashed state before the first draw is used.
    for (let i = 0; i < 6; i++) this.u32();
    return this;
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Approximately standard normal (Irwin–Hall of four uniforms): cheap, bounded at ±3.5. */
  normal(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * 1.7320508075688772;
  }

  /** Unit-variance triangular noise from two uniforms: half the cost of normal() for per-interval jitter. */
  tri(): number {
    return (this.next() + this.next() - 1) * 2.449489742783178;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Index drawn with the given non-negative weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}
