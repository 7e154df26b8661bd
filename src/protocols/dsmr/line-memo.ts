/**
 * A meter sends the same lines in the same order every second. Per line position, the last
 * telegram's code bytes are kept: a line whose code is the same as last time gets its CodeInfo after
 * a few byte compares instead of a parse and two map lookups. (Reusing unchanged values the same way
 * was measured too and gained nothing: reading a value is about as cheap as comparing its bytes.)
 */
import { codeInfoAt, type CodeInfo } from './obis-code.ts';
import { DsmrObject } from './object.ts';
import { readValue, type Groups, type PendingTime } from './values.ts';

const LINES = 256;
const WIDTH = 24;
const codeBytes = new Uint8Array(LINES * WIDTH);
const codeLength = new Int32Array(LINES).fill(-1);
const codeInfos: (CodeInfo | undefined)[] = new Array<CodeInfo | undefined>(LINES).fill(undefined);

function codeAt(b: Buffer, k: number, start: number, end: number): CodeInfo {
  const n = end - start;
  if (k >= LINES || n > WIDTH) return codeInfoAt(b, start, end);
  const at = k * WIDTH;
  if (codeLength[k] === n) {
    let i = 0;
    while (i < n && codeBytes[at + i] === b[start + i]) i++;
    if (i === n) return codeInfos[k]!;
  }
  const info = codeInfoAt(b, start, end);
  codeBytes.set(b.subarray(start, end), at);
  codeLength[k] = n;
  codeInfos[k] = info;
  return info;
}

/** The object at line position k: its code in b[codeStart, rawStart), its groups up to rawEnd. */
export function objectAt(b: Buffer, k: number, codeStart: number, rawStart: number, rawEnd: number, line: number, groups: Groups, times: PendingTime[]): DsmrObject {
  const info = codeAt(b, k, codeStart, rawStart);
  return new DsmrObject(info, readValue(b, groups, info.spec?.shape, times), line, b, rawStart, rawEnd);
}
