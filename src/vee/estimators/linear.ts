/**
 * Linear interpolation between the two valid intervals around a gap of `count` intervals: the k-th
 * missing one gets before + (after − before) · k / (count + 1), rounded to an integer. Itron IEE
 * MDM's example: 75, four missing, 100 → 80, 85, 90, 95. With `nonNegative` (counter deltas), a
 * result below zero becomes 0; between two non-negative anchors none ever is.
 */
export function interpolate(before: number, after: number, count: number, out: Float64Array, at: number, nonNegative: boolean): void {
  const step = (after - before) / (count + 1);
  for (let k = 1; k <= count; k++) {
    const v = Math.round(before + step * k);
    out[at + k - 1] = nonNegative && v < 0 ? 0 : v + 0;
  }
}
