/**
 * Largest-remainder apportioning: integers proportional to `weights` that add up to `total` exactly.
 * Each share is first rounded down; the units left over go to the largest fractional parts (ties to
 * the earlier interval, so the result is deterministic). Weights must be finite and ≥ 0; if they
 * are all 0 the total is spread evenly. A negative total is apportioned as its mirror image.
 */
export function apportion(total: number, weights: ArrayLike<number>): Float64Array {
  const n = weights.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  if (!Number.isSafeInteger(total)) throw new RangeError(`apportion: total ${total} is not a safe integer`);
  const sign = total < 0 ? -1 : 1;
  const t = Math.abs(total);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const x = weights[i]!;
    if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`apportion: weight ${x} at ${i} is not finite and ≥ 0`);
    w += x;
  }
  const frac = new Float64Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const exact = w > 0 ? (t * weights[i]!) / w : t / n;
    const f = Math.floor(exact);
    out[i] = f;
    frac[i] = exact - f;
    given += f;
  }
  let left = t - given;
  if (left !== 0) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => frac[b]! - frac[a]! || a - b);
    // Rounding of the shares in floating point can leave one unit too many or too few either way.
    for (let k = 0; left > 0; k = (k + 1) % n, left--) out[order[k]!]!++;
    for (let k = n - 1; left < 0; k = (k - 1 + n) % n) if (out[order[k]!]! > 0) { out[order[k]!]!--; left++; }
  }
  if (sign < 0) for (let i = 0; i < n; i++) out[i] = -out[i]! || 0;
  return out;
}
