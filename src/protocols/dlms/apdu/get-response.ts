/**
 * GET-Response (0xC4): normal, with-datablock, with-list. Data stays raw A-XDR octets (views into
 * the input) — `dataOf` decodes one lazily, `walkProfile` can read a profile buffer directly; a
 * data block's raw-data is a fragment of the whole value and is only meaningful once reassembled.
 */
import { readGetDataResult, readInvoke, readList, writeGetDataResult, writeInvoke, writeList, dataAccessResult, type DataAccessResult, type GetDataResult, type InvokeIdAndPriority } from './common.ts';
import { decodeWhole, encodeWhole, expectTag, readChoice } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';

export const TAG = 0xc4;
export const CHOICE = { normal: 1, 'with-datablock': 2, 'with-list': 3 } as const;

/** DataBlock-G: raw-data is a fragment of the encoded Data (a view into the input), or an error. */
export type DataBlockG = { readonly lastBlock: boolean; readonly blockNumber: number } & ({ readonly rawData: Uint8Array } | { readonly error: DataAccessResult });

export type GetResponse =
  | { readonly type: 'get-response'; readonly kind: 'normal'; readonly invoke: InvokeIdAndPriority; readonly result: GetDataResult }
  | { readonly type: 'get-response'; readonly kind: 'with-datablock'; readonly invoke: InvokeIdAndPriority; readonly block: DataBlockG }
  | { readonly type: 'get-response'; readonly kind: 'with-list'; readonly invoke: InvokeIdAndPriority; readonly results: readonly GetDataResult[] };

function readDataBlockG(r: ApduReader): DataBlockG {
  const lastBlock = r.bool('last-block');
  const blockNumber = r.u32('block-number');
  if (r.choice('DataBlock-G result choice', [0, 1]) === 1) return { lastBlock, blockNumber, error: dataAccessResult.read(r) };
  const n = r.count('raw-data length');
  return { lastBlock, blockNumber, rawData: r.view(n, 'raw-data') };
}

function writeDataBlockG(w: ApduWriter, v: DataBlockG): void {
  w.bool(v.lastBlock).u32(v.blockNumber, 'block-number');
  if ('rawData' in v) w.u8(0).octets(v.rawData, 'raw-data');
  else dataAccessResult.write(w.u8(1), v.error);
}

export function read(r: ApduReader): GetResponse {
  expectTag(r, TAG, 'get-response');
  const kind = readChoice(r, 'get-response', CHOICE);
  const invoke = readInvoke(r);
  if (kind === 'normal') return { type: 'get-response', kind, invoke, result: readGetDataResult(r) };
  if (kind === 'with-datablock') return { type: 'get-response', kind, invoke, block: readDataBlockG(r) };
  return { type: 'get-response', kind, invoke, results: readList(r, 'get-data-result list', readGetDataResult, 2) };
}

export function write(w: ApduWriter, v: GetResponse): void {
  w.u8(TAG).u8(CHOICE[v.kind]);
  writeInvoke(w, v.invoke);
  if (v.kind === 'normal') writeGetDataResult(w, v.result);
  else if (v.kind === 'with-datablock') writeDataBlockG(w, v.block);
  else writeList(w, 'get-data-result list', v.results, writeGetDataResult);
}

export const decode = (bytes: Uint8Array): GetResponse => decodeWhole(bytes, 'get-response', read);
export const encode = (v: GetResponse): Uint8Array => encodeWhole(v, write);

/** The result list of a with-list response on its own: what a list answer sent in data blocks reassembles to. */
export const decodeResultList = (bytes: Uint8Array): GetDataResult[] =>
  decodeWhole(bytes, 'get-data-result list', (r) => readList(r, 'get-data-result list', readGetDataResult, 2));
export const encodeResultList = (results: readonly GetDataResult[]): Uint8Array =>
  encodeWhole(results, (w, v) => writeList(w, 'get-data-result list', v, writeGetDataResult));
