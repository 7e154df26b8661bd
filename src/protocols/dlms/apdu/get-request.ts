/** GET-Request (0xC0): normal, next (block transfer), with-list. */
import { readAttributeDescriptor, readInvoke, readList, writeAttributeDescriptor, writeInvoke, writeList, type AttributeDescriptor, type InvokeIdAndPriority } from './common.ts';
import { decodeWhole, encodeWhole, expectTag, readChoice } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';
import { readOptionalSelection, writeOptionalSelection, type AccessSelection } from './selective-access.ts';

export const TAG = 0xc0;
export const CHOICE = { normal: 1, next: 2, 'with-list': 3 } as const;

/** One attribute to read, with optional selective access (Cosem-Attribute-Descriptor-With-Selection). */
export interface AttributeRequest {
  readonly attribute: AttributeDescriptor;
  readonly access: AccessSelection | null;
}

export type GetRequest =
  | ({ readonly type: 'get-request'; readonly kind: 'normal'; readonly invoke: InvokeIdAndPriority } & AttributeRequest)
  | { readonly type: 'get-request'; readonly kind: 'next'; readonly invoke: InvokeIdAndPriority; readonly blockNumber: number }
  | { readonly type: 'get-request'; readonly kind: 'with-list'; readonly invoke: InvokeIdAndPriority; readonly items: readonly AttributeRequest[] };

export function readAttributeRequest(r: ApduReader): AttributeRequest {
  return { attribute: readAttributeDescriptor(r), access: readOptionalSelection(r) };
}

export function writeAttributeRequest(w: ApduWriter, v: AttributeRequest): void {
  writeAttributeDescriptor(w, v.attribute);
  writeOptionalSelection(w, v.access);
}

export function read(r: ApduReader): GetRequest {
  expectTag(r, TAG, 'get-request');
  const kind = readChoice(r, 'get-request', CHOICE);
  const invoke = readInvoke(r);
  if (kind === 'normal') return { type: 'get-request', kind, invoke, ...readAttributeRequest(r) };
  if (kind === 'next') return { type: 'get-request', kind, invoke, blockNumber: r.u32('block-number') };
  return { type: 'get-request', kind, invoke, items: readList(r, 'attribute descriptor list', readAttributeRequest, 10) };
}

export function write(w: ApduWriter, v: GetRequest): void {
  w.u8(TAG).u8(CHOICE[v.kind]);
  writeInvoke(w, v.invoke);
  if (v.kind === 'normal') writeAttributeRequest(w, v);
  else if (v.kind === 'next') w.u32(v.blockNumber, 'block-number');
  else writeList(w, 'attribute descriptor list', v.items, writeAttributeRequest);
}

export const decode = (bytes: Uint8Array): GetRequest => decodeWhole(bytes, 'get-request', read);
export const encode = (v: GetRequest): Uint8Array => encodeWhole(v, write);
