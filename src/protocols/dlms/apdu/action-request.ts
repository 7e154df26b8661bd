/** ACTION-Request (0xC3): normal, next-pblock, with-list, with-first-pblock, with-list-and-first-pblock, with-pblock. */
import { readDataBlockSA, readInvoke, readList, readMethodDescriptor, writeDataBlockSA, writeInvoke, writeList, writeMethodDescriptor, type DataBlockSA, type InvokeIdAndPriority, type MethodDescriptor } from './common.ts';
import { decodeWhole, encodeWhole, expectTag, readChoice } from './codec.ts';
import { bad, type ApduReader, type ApduWriter } from './cursor.ts';
import { readDataView } from './data-span.ts';
import { DlmsError } from '../errors.ts';

export const TAG = 0xc3;
export const CHOICE = { normal: 1, 'next-pblock': 2, 'with-list': 3, 'with-first-pblock': 4, 'with-list-and-first-pblock': 5, 'with-pblock': 6 } as const;

interface Base {
  readonly type: 'action-request';
  readonly invoke: InvokeIdAndPriority;
}

/** Method invocation parameters are raw A-XDR Data (decode with `dataOf`); null when absent. */
export type ActionRequest =
  | (Base & { readonly kind: 'normal'; readonly method: MethodDescriptor; readonly parameters: Uint8Array | null })
  | (Base & { readonly kind: 'next-pblock'; readonly blockNumber: number })
  | (Base & { readonly kind: 'with-list'; readonly methods: readonly MethodDescriptor[]; readonly parameters: readonly Uint8Array[] })
  | (Base & { readonly kind: 'with-first-pblock'; readonly method: MethodDescriptor; readonly block: DataBlockSA })
  | (Base & { readonly kind: 'with-list-and-first-pblock'; readonly methods: readonly MethodDescriptor[]; readonly block: DataBlockSA })
  | (Base & { readonly kind: 'with-pblock'; readonly block: DataBlockSA });

const METHODS = 'method descriptor list';

export function read(r: ApduReader): ActionRequest {
  expectTag(r, TAG, 'action-request');
  const kind = readChoice(r, 'action-request', CHOICE);
  const invoke = readInvoke(r);
  switch (kind) {
    case 'normal': {
      const method = readMethodDescriptor(r);
      return { type: 'action-request', kind, invoke, method, parameters: r.present('method-invocation-parameters') ? readDataView(r) : null };
    }
    case 'next-pblock':
      return { type: 'action-request', kind, invoke, blockNumber: r.u32('block-number') };
    case 'with-list': {
      const methods = readList(r, METHODS, readMethodDescriptor, 9);
      const at = r.pos;
      const parameters = readList(r, 'method invocation parameter list', readDataView);
      if (parameters.length !== methods.length) throw bad(`${parameters.length} parameter(s) at offset ${at} for ${methods.length} method(s)`, at);
      return { type: 'action-request', kind, invoke, methods, parameters };
    }
    case 'with-first-pblock':
      return { type: 'action-request', kind, invoke, method: readMethodDescriptor(r), block: readDataBlockSA(r) };
    case 'with-list-and-first-pblock':
      return { type: 'action-request', kind, invoke, methods: readList(r, METHODS, readMethodDescriptor, 9), block: readDataBlockSA(r) };
    case 'with-pblock':
      return { type: 'action-request', kind, invoke, block: readDataBlockSA(r) };
  }
}

export function write(w: ApduWriter, v: ActionRequest): void {
  w.u8(TAG).u8(CHOICE[v.kind]);
  writeInvoke(w, v.invoke);
  switch (v.kind) {
    case 'normal':
      writeMethodDescriptor(w, v.method);
      if (v.parameters === null) w.u8(0);
      else w.u8(1).bytes(v.parameters);
      return;
    case 'next-pblock':
      w.u32(v.blockNumber, 'block-number');
      return;
    case 'with-list':
      if (v.parameters.length !== v.methods.length) throw new DlmsError('DLMS_BAD_VALUE', `${v.parameters.length} parameter(s) for ${v.methods.length} method(s)`);
      writeList(w, METHODS, v.methods, writeMethodDescriptor);
      writeList(w, 'method invocation parameter list', v.parameters, (w2, p) => w2.bytes(p));
      return;
    case 'with-first-pblock':
      writeMethodDescriptor(w, v.method);
      writeDataBlockSA(w, v.block);
      return;
    case 'with-list-and-first-pblock':
      writeList(w, METHODS, v.methods, writeMethodDescriptor);
      writeDataBlockSA(w, v.block);
      return;
    case 'with-pblock':
      writeDataBlockSA(w, v.block);
  }
}

export const decode = (bytes: Uint8Array): ActionRequest => decodeWhole(bytes, 'action-request', read);
export const encode = (v: ActionRequest): Uint8Array => encodeWhole(v, write);
