/** SET-Request (0xC1): normal, with-first-datablock, with-datablock, with-list, with-list-and-first-datablock. */
import { readDataBlockSA, readInvoke, readList, writeDataBlockSA, writeInvoke, writeList, type DataBlockSA, type InvokeIdAndPriority } from './common.ts';
import { decodeWhole, encodeWhole, expectTag, readChoice } from './codec.ts';
import { bad, type ApduReader, type ApduWriter } from './cursor.ts';
import { readDataView } from './data-span.ts';
import { DlmsError } from '../errors.ts';
import { readAttributeRequest, writeAttributeRequest, type AttributeRequest } from './get-request.ts';

export const TAG = 0xc1;
export const CHOICE = { normal: 1, 'with-first-datablock': 2, 'with-datablock': 3, 'with-list': 4, 'with-list-and-first-datablock': 5 } as const;

interface Base {
  readonly type: 'set-request';
  readonly invoke: InvokeIdAndPriority;
}

/** `value` is the raw A-XDR Data to write (decode it with `dataOf`). */
export type SetRequest =
  | (Base & AttributeRequest & { readonly kind: 'normal'; readonly value: Uint8Array })
  | (Base & AttributeRequest & { readonly kind: 'with-first-datablock'; readonly block: DataBlockSA })
  | (Base & { readonly kind: 'with-datablock'; readonly block: DataBlockSA })
  | (Base & { readonly kind: 'with-list'; readonly items: readonly AttributeRequest[]; readonly values: readonly Uint8Array[] })
  | (Base & { readonly kind: 'with-list-and-first-datablock'; readonly items: readonly AttributeRequest[]; readonly block: DataBlockSA });

const ITEMS = 'attribute descriptor list';

export function read(r: ApduReader): SetRequest {
  expectTag(r, TAG, 'set-request');
  const kind = readChoice(r, 'set-request', CHOICE);
  const invoke = readInvoke(r);
  switch (kind) {
    case 'normal': {
      const req = readAttributeRequest(r);
      return { type: 'set-request', kind, invoke, ...req, value: readDataView(r) };
    }
    case 'with-first-datablock': {
      const req = readAttributeRequest(r);
      return { type: 'set-request', kind, invoke, ...req, block: readDataBlockSA(r) };
    }
    case 'with-datablock':
      return { type: 'set-request', kind, invoke, block: readDataBlockSA(r) };
    case 'with-list': {
      const items = readList(r, ITEMS, readAttributeRequest, 10);
      const at = r.pos;
      const values = readList(r, 'value list', readDataView);
      if (values.length !== items.length) throw bad(`${values.length} value(s) at offset ${at} for ${items.length} attribute(s)`, at);
      return { type: 'set-request', kind, invoke, items, values };
    }
    case 'with-list-and-first-datablock':
      return { type: 'set-request', kind, invoke, items: readList(r, ITEMS, readAttributeRequest, 10), block: readDataBlockSA(r) };
  }
}

export function write(w: ApduWriter, v: SetRequest): void {
  w.u8(TAG).u8(CHOICE[v.kind]);
  writeInvoke(w, v.invoke);
  switch (v.kind) {
    case 'normal':
      writeAttributeRequest(w, v);
      w.bytes(v.value);
      return;
    case 'with-first-datablock':
      writeAttributeRequest(w, v);
      writeDataBlockSA(w, v.block);
      return;
    case 'with-datablock':
      writeDataBlockSA(w, v.block);
      return;
    case 'with-list':
      if (v.values.length !== v.items.length) throw new DlmsError('DLMS_BAD_VALUE', `${v.values.length} value(s) for ${v.items.length} attribute(s)`);
      writeList(w, ITEMS, v.items, writeAttributeRequest);
      writeList(w, 'value list', v.values, (w2, x) => w2.bytes(x));
      return;
    case 'with-list-and-first-datablock':
      writeList(w, ITEMS, v.items, writeAttributeRequest);
      writeDataBlockSA(w, v.block);
  }
}

export const decode = (bytes: Uint8Array): SetRequest => decodeWhole(bytes, 'set-request', read);
export const encode = (v: SetRequest): Uint8Array => encodeWhole(v, write);
