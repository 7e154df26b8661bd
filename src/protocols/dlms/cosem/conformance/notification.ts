/**
 * Test helper for the HAN conformance test: the DataNotification header (tag 0x0F,
 * long-invoke-id-and-priority, optional date-time) in front of an A-XDR body. The full APDU codec
 * lives in apdu/; this small reader only serves the push captures.
 */
import { decodeAll } from '../../axdr/decode.ts';
import { decodeDateTimeOctets, type CosemDateTime } from '../../axdr/datetime.ts';
import type { DlmsData } from '../../axdr/types.ts';
import { DlmsError } from '../../errors.ts';

export interface Notification {
  readonly invokeIdAndPriority: number;
  readonly dateTime: CosemDateTime | null;
  readonly body: DlmsData;
}

export function readNotification(apdu: Uint8Array): Notification {
  if (apdu[0] !== 0x0f || apdu.length < 6) throw new DlmsError('DLMS_SHAPE_MISMATCH', 'not a DataNotification (tag 0x0F)');
  const invokeIdAndPriority = new DataView(apdu.buffer, apdu.byteOffset).getUint32(1);
  let pos = 5;
  let dateTime: CosemDateTime | null = null;
  if (apdu[pos] === 0x0c) {
    dateTime = decodeDateTimeOctets(apdu.subarray(pos + 1, pos + 13));
    pos += 13;
  } else if (apdu[pos] === 0x09 && apdu[pos + 1] === 0x0c) {
    dateTime = decodeDateTimeOctets(apdu.subarray(pos + 2, pos + 14));
    pos += 14;
  } else if (apdu[pos] === 0x00) {
    pos += 1;
  } else {
    throw new DlmsError('DLMS_SHAPE_MISMATCH', `DataNotification date-time field starts with 0x${apdu[pos]?.toString(16)}`);
  }
  return { invokeIdAndPriority, dateTime, body: decodeAll(apdu.subarray(pos)) };
}
