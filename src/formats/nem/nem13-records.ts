import type { QualityFlag, RegisterReading } from '../../model/index.ts';
import { parseDate8, parseDateTime } from './aest.ts';
import { nem13Channel, nemChannel, nemMeter } from './channels.ts';
import { type NemContext, fields } from './context.ts';
import { parseDecimal } from './decimal.ts';
import { parseQualityMethod, parseReasonCode } from './quality-method.ts';

/**
 * NEM13 records (accumulation meters): 250 holds the previous and current register read of one
 * register; 550 its B2B details. The current read becomes a RegisterReading at its read time (the
 * previous read is the current read of the file before, so it is checked, not stored again).
 */

const NMI = /^[A-Z0-9]{1,11}$/i;
const TRANSACTION_CODES = new Set(['A', 'C', 'G', 'D', 'E', 'N', 'O', 'S', 'R']);

interface Read { value: number; at: number; flag: QualityFlag }

/** One register read (value, date-time, quality, reason) at field index i; `required` for the current read. */
function read(ctx: NemContext, f: string[], i: number, exp: number, which: string, required: boolean, line: number): Read | undefined {
  const [value, at, qm, reason] = [f[i] ?? '', f[i + 1] ?? '', f[i + 2] ?? '', f[i + 3] ?? ''];
  if (!required && value === '' && at === '' && qm === '') return undefined;
  const v = parseDecimal(value, exp);
  if (Number.isNaN(v)) throw ctx.error('BAD_RECORD', `${which}RegisterRead "${value}" is not a decimal number (within ±2^50 in the stored unit)`, line);
  const t = parseDateTime(at);
  if (Number.isNaN(t)) throw ctx.error('BAD_RECORD', `${which}RegisterReadDateTime "${at}" is not a date-time yyyymmddhhmmss`, line);
  const q = parseQualityMethod(qm);
  if (typeof q === 'string') throw ctx.error('BAD_RECORD', `${which}QualityMethod: ${q}`, line);
  if (q.flag === 'V') throw ctx.error('BAD_RECORD', `${which}QualityMethod V is not allowed in NEM13`, line);
  if (parseReasonCode(reason) < 0) throw ctx.error('BAD_RECORD', `${which}ReasonCode "${reason}" is not a number 0..255`, line);
  return { value: v, at: t, flag: q.flag as QualityFlag };
}

/** 250: the register read of one NMI suffix. */
export function register250(ctx: NemContext, text: string, line: number): void {
  const f = fields(text);
  if (f.length < 20) throw ctx.error('BAD_RECORD', `a 250 record has at least 20 fields (NMI … UOM), this one ${f.length}`, line);
  const nmi = f[1]!;
  if (!NMI.test(nmi)) throw ctx.error('BAD_RECORD', `NMI "${nmi}" is not 1–11 letters or digits`, line);
  const ch = nem13Channel(f[4]!, f[7]!, f[19]!);
  if ('why' in ch) throw ctx.error(ch.unsupported ? 'UNSUPPORTED_CHANNEL' : 'BAD_RECORD', `NMI ${nmi}: ${ch.why}`, line);
  read(ctx, f, 8, ch.exp, 'Previous', false, line);
  const cur = read(ctx, f, 13, ch.exp, 'Current', true, line)!;
  const quantity = f[18]!;
  if (quantity !== '' && Number.isNaN(parseDecimal(quantity, ch.exp))) throw ctx.error('BAD_RECORD', `Quantity "${quantity}" is not a decimal number`, line);
  const next = f[20] ?? '';
  if (next !== '' && Number.isNaN(parseDate8(next))) throw ctx.error('BAD_RECORD', `NextScheduledReadDate "${next}" is not a date yyyymmdd`, line);
  const r: RegisterReading = { meterId: nmi, channel: ch.obis, at: cur.at, value: cur.value, quality: cur.flag };
  ctx.batch.describe(nmi, ch.obis, () => nemMeter(nmi, 'nem13'), () => nemChannel(nmi, ch, 0));
  ctx.batch.addRegister(r);
}

/** 550: B2B details of the 250 before it; checked, not stored. */
export function b2b550(ctx: NemContext, text: string, line: number): void {
  const f = fields(text);
  for (const [i, name] of [[1, 'PreviousTransCode'], [3, 'CurrentTransCode']] as const) {
    const code = f[i] ?? '';
    if (code !== '' && !TRANSACTION_CODES.has(code)) throw ctx.error('BAD_RECORD', `${name} "${code}" is not one of A, C, G, D, E, N, O, S, R`, line);
  }
}
