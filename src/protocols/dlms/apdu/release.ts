/** Shared body of RLRQ and RLRE: reason [0] IMPLICIT INTEGER OPTIONAL and user-information [30] OPTIONAL. */
import { readComponents, readSmallInteger, readUserInformation, smallIntegerComponent, takeComponent, userInformationComponent, writeComponents, type AcseComponent } from './acse.ts';
import { bad, type ApduReader, type ApduWriter } from './cursor.ts';
import { encodeUserInfo } from './user-information.ts';
import { DlmsError } from '../errors.ts';

const ALLOWED = new Set([0, 30]);

export interface ReleaseFields<R extends string, U> {
  readonly reason: R | null;
  readonly userInformation: U | null;
}

export function readRelease<R extends string, U>(r: ApduReader, tag: number, what: string, reasons: Readonly<Record<R, number>>, readInfo: (r: ApduReader) => U): ReleaseFields<R, U> {
  const m = readComponents(r, tag, what, ALLOWED);
  const reason = takeComponent(m, 0x80);
  const info = takeComponent(m, 0xbe);
  let reasonName: R | null = null;
  if (reason !== undefined) {
    const v = readSmallInteger(reason, false, `${what} reason`);
    const found = (Object.entries(reasons) as [R, number][]).find(([, n]) => n === v);
    if (found === undefined) throw bad(`${what} reason ${v} at offset ${reason.at} is not known`, reason.at);
    reasonName = found[0];
  }
  return { reason: reasonName, userInformation: info === undefined ? null : readUserInformation(info, readInfo) };
}

export function writeRelease<R extends string, U extends Parameters<typeof encodeUserInfo>[0]>(
  w: ApduWriter, tag: number, what: string, reasons: Readonly<Record<R, number>>, v: ReleaseFields<R, U>,
): void {
  const parts: AcseComponent[] = [];
  if (v.reason !== null) {
    const n = reasons[v.reason];
    if (n === undefined) throw new DlmsError('DLMS_BAD_VALUE', `${what} reason "${String(v.reason)}" is not known`);
    parts.push(smallIntegerComponent(0x80, false, n));
  }
  if (v.userInformation !== null) parts.push(userInformationComponent(encodeUserInfo(v.userInformation)));
  writeComponents(w, tag, parts);
}
