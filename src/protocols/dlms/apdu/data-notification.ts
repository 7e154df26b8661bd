/**
 * DataNotification (0x0F): long-invoke-id-and-priority, optional date-time, notification body.
 * On the wire the optional date-time is 0x00 (absent) or the octet-string length 0x0C and the 12
 * date-time octets (as Kamstrup and Aidon HAN pushes send it). The body is raw A-XDR Data.
 */
import { DATE_TIME_SIZE, readDateTime, writeDateTime, type CosemDateTime } from '../axdr/index.ts';
import { DlmsError } from '../errors.ts';
import { readLongInvoke, writeLongInvoke, type LongInvokeIdAndPriority } from './common.ts';
import { decodeWhole, encodeWhole, expectTag } from './codec.ts';
import { bad, type ApduReader, type ApduWriter } from './cursor.ts';
import { readDataView } from './data-span.ts';

export const TAG = 0x0f;

export interface DataNotification {
  readonly type: 'data-notification';
  readonly invoke: LongInvokeIdAndPriority;
  readonly dateTime: CosemDateTime | null;
  /** The notification body (one Data value, usually a structure) as raw A-XDR octets. */
  readonly body: Uint8Array;
}

export function read(r: ApduReader): DataNotification {
  expectTag(r, TAG, 'data-notification');
  const invoke = readLongInvoke(r);
  const at = r.pos;
  const len = r.u8('date-time length');
  let dateTime: CosemDateTime | null = null;
  if (len !== 0) {
    if (len !== DATE_TIME_SIZE) throw bad(`data-notification date-time at offset ${at} has ${len} octets, not 0 or 12`, at);
    r.need(DATE_TIME_SIZE, 'date-time');
    dateTime = readDateTime(r.bytes, r.pos);
    r.pos += DATE_TIME_SIZE;
  }
  return { type: 'data-notification', invoke, dateTime, body: readDataView(r) };
}

export function write(w: ApduWriter, v: DataNotification): void {
  w.u8(TAG);
  writeLongInvoke(w, v.invoke);
  if (v.dateTime === null) w.u8(0);
  else {
    const dt = new Uint8Array(DATE_TIME_SIZE);
    writeDateTime(v.dateTime, dt, 0);
    w.u8(DATE_TIME_SIZE).bytes(dt);
  }
  if (v.body.length === 0) throw new DlmsError('DLMS_BAD_VALUE', 'data-notification body is empty');
  w.bytes(v.body);
}

export const decode = (bytes: Uint8Array): DataNotification => decodeWhole(bytes, 'data-notification', read);
export const encode = (v: DataNotification): Uint8Array => encodeWhole(v, write);
