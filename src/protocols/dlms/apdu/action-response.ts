/** ACTION-Response (0xC7): normal, with-pblock, with-list, next-pblock. */
import { actionResult, readDataBlockSA, readGetDataResult, readInvoke, readList, writeDataBlockSA, writeGetDataResult, writeInvoke, writeList, type ActionResult, type DataBlockSA, type GetDataResult, type InvokeIdAndPriority } from './common.ts';
import { decodeWhole, encodeWhole, expectTag, readChoice } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';

export const TAG = 0xc7;
export const CHOICE = { normal: 1, 'with-pblock': 2, 'with-list': 3, 'next-pblock': 4 } as const;

/** Action-Response-With-Optional-Data: the result and, optionally, return parameters (Data or an error). */
export interface ActionOutcome {
  readonly result: ActionResult;
  readonly returnParameters: GetDataResult | null;
}

interface Base {
  readonly type: 'action-response';
  readonly invoke: InvokeIdAndPriority;
}

export type ActionResponse =
  | (Base & { readonly kind: 'normal' } & ActionOutcome)
  | (Base & { readonly kind: 'with-pblock'; readonly block: DataBlockSA })
  | (Base & { readonly kind: 'with-list'; readonly outcomes: readonly ActionOutcome[] })
  | (Base & { readonly kind: 'next-pblock'; readonly blockNumber: number });

function readOutcome(r: ApduReader): ActionOutcome {
  const result = actionResult.read(r);
  return { result, returnParameters: r.present('return-parameters') ? readGetDataResult(r) : null };
}

function writeOutcome(w: ApduWriter, v: ActionOutcome): void {
  actionResult.write(w, v.result);
  if (v.returnParameters === null) w.u8(0);
  else writeGetDataResult(w.u8(1), v.returnParameters);
}

export function read(r: ApduReader): ActionResponse {
  expectTag(r, TAG, 'action-response');
  const kind = readChoice(r, 'action-response', CHOICE);
  const invoke = readInvoke(r);
  switch (kind) {
    case 'normal':
      return { type: 'action-response', kind, invoke, ...readOutcome(r) };
    case 'with-pblock':
      return { type: 'action-response', kind, invoke, block: readDataBlockSA(r) };
    case 'with-list':
      return { type: 'action-response', kind, invoke, outcomes: readList(r, 'action result list', readOutcome, 2) };
    case 'next-pblock':
      return { type: 'action-response', kind, invoke, blockNumber: r.u32('block-number') };
  }
}

export function write(w: ApduWriter, v: ActionResponse): void {
  w.u8(TAG).u8(CHOICE[v.kind]);
  writeInvoke(w, v.invoke);
  switch (v.kind) {
    case 'normal':
      writeOutcome(w, v);
      return;
    case 'with-pblock':
      writeDataBlockSA(w, v.block);
      return;
    case 'with-list':
      writeList(w, 'action result list', v.outcomes, writeOutcome);
      return;
    case 'next-pblock':
      w.u32(v.blockNumber, 'block-number');
  }
}

export const decode = (bytes: Uint8Array): ActionResponse => decodeWhole(bytes, 'action-response', read);
export const encode = (v: ActionResponse): Uint8Array => encodeWhole(v, write);
