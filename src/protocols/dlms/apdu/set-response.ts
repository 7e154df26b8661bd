/** SET-Response (0xC5): normal, datablock, last-datablock, last-datablock-with-list, with-list. */
import { dataAccessResult, readInvoke, readList, writeInvoke, writeList, type DataAccessResult, type InvokeIdAndPriority } from './common.ts';
import { decodeWhole, encodeWhole, expectTag, readChoice } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';

export const TAG = 0xc5;
export const CHOICE = { normal: 1, datablock: 2, 'last-datablock': 3, 'last-datablock-with-list': 4, 'with-list': 5 } as const;

interface Base {
  readonly type: 'set-response';
  readonly invoke: InvokeIdAndPriority;
}

export type SetResponse =
  | (Base & { readonly kind: 'normal'; readonly result: DataAccessResult })
  | (Base & { readonly kind: 'datablock'; readonly blockNumber: number })
  | (Base & { readonly kind: 'last-datablock'; readonly result: DataAccessResult; readonly blockNumber: number })
  | (Base & { readonly kind: 'last-datablock-with-list'; readonly results: readonly DataAccessResult[]; readonly blockNumber: number })
  | (Base & { readonly kind: 'with-list'; readonly results: readonly DataAccessResult[] });

const RESULTS = 'data-access-result list';

export function read(r: ApduReader): SetResponse {
  expectTag(r, TAG, 'set-response');
  const kind = readChoice(r, 'set-response', CHOICE);
  const invoke = readInvoke(r);
  switch (kind) {
    case 'normal':
      return { type: 'set-response', kind, invoke, result: dataAccessResult.read(r) };
    case 'datablock':
      return { type: 'set-response', kind, invoke, blockNumber: r.u32('block-number') };
    case 'last-datablock':
      return { type: 'set-response', kind, invoke, result: dataAccessResult.read(r), blockNumber: r.u32('block-number') };
    case 'last-datablock-with-list':
      return { type: 'set-response', kind, invoke, results: readList(r, RESULTS, dataAccessResult.read), blockNumber: r.u32('block-number') };
    case 'with-list':
      return { type: 'set-response', kind, invoke, results: readList(r, RESULTS, dataAccessResult.read) };
  }
}

export function write(w: ApduWriter, v: SetResponse): void {
  w.u8(TAG).u8(CHOICE[v.kind]);
  writeInvoke(w, v.invoke);
  switch (v.kind) {
    case 'normal':
      dataAccessResult.write(w, v.result);
      return;
    case 'datablock':
      w.u32(v.blockNumber, 'block-number');
      return;
    case 'last-datablock':
      dataAccessResult.write(w, v.result);
      w.u32(v.blockNumber, 'block-number');
      return;
    case 'last-datablock-with-list':
      writeList(w, RESULTS, v.results, dataAccessResult.write);
      w.u32(v.blockNumber, 'block-number');
      return;
    case 'with-list':
      writeList(w, RESULTS, v.results, dataAccessResult.write);
  }
}

export const decode = (bytes: Uint8Array): SetResponse => decodeWhole(bytes, 'set-response', read);
export const encode = (v: SetResponse): Uint8Array => encodeWhole(v, write);
