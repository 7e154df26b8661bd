/**
 * Selective access (IEC 62056-6-2 profile generic, attribute 2 "buffer"): the access selector and
 * its parameters. Selector 1 is a range descriptor (restricting capture object, from/to value,
 * selected columns), selector 2 an entry descriptor; any other selector keeps its parameters as Data.
 */
import { decodeData, encodeData, type DlmsData } from '../axdr/index.ts';
import { DlmsError } from '../errors.ts';
import { ApduReader, ApduWriter, bad, checkLogicalName } from './cursor.ts';

/** Capture object definition: {class-id, logical-name, attribute-index, data-index}. */
export interface CaptureObject {
  readonly classId: number;
  readonly logicalName: Uint8Array;
  readonly attributeId: number;
  readonly dataIndex: number;
}

export interface RangeDescriptor {
  readonly restrictingObject: CaptureObject;
  readonly from: DlmsData;
  readonly to: DlmsData;
  /** Columns to return; empty = all. */
  readonly selectedValues: readonly CaptureObject[];
}

/** Entry descriptor: entries and columns, 1-based; 0 as `toEntry`/`toSelectedValue` means "to the last". */
export interface EntryDescriptor {
  readonly fromEntry: number;
  readonly toEntry: number;
  readonly fromSelectedValue: number;
  readonly toSelectedValue: number;
}

export type AccessSelection =
  | { readonly selector: 1; readonly range: RangeDescriptor }
  | { readonly selector: 2; readonly entry: EntryDescriptor }
  | { readonly selector: number; readonly parameters: DlmsData };

function mismatch(what: string, at: number): DlmsError {
  return bad(`${what} at offset ${at} does not have the shape the access selector requires`, at);
}

function fields(v: DlmsData, n: number, what: string, at: number): readonly DlmsData[] {
  if (v.type !== 'structure' || v.value.length !== n) throw mismatch(what, at);
  return v.value;
}

function num(v: DlmsData | undefined, type: DlmsData['type'], what: string, at: number): number {
  if (v === undefined || v.type !== type || typeof (v as { value?: unknown }).value !== 'number') throw mismatch(what, at);
  return (v as { value: number }).value;
}

export function captureObjectFromData(v: DlmsData, at: number): CaptureObject {
  const [c, ln, attr, idx] = fields(v, 4, 'capture object definition', at);
  if (ln?.type !== 'octet-string' || ln.value.length !== 6) throw mismatch('capture object logical name', at);
  return {
    classId: num(c, 'long-unsigned', 'capture object class id', at),
    logicalName: Uint8Array.from(ln.value),
    attributeId: num(attr, 'integer', 'capture object attribute index', at),
    dataIndex: num(idx, 'long-unsigned', 'capture object data index', at),
  };
}

export function captureObjectToData(v: CaptureObject): DlmsData {
  return {
    type: 'structure',
    value: [
      { type: 'long-unsigned', value: v.classId },
      { type: 'octet-string', value: checkLogicalName(v.logicalName, 'capture object logical name') },
      { type: 'integer', value: v.attributeId },
      { type: 'long-unsigned', value: v.dataIndex },
    ],
  };
}

function parametersToSelection(selector: number, p: DlmsData, at: number): AccessSelection {
  if (selector === 1) {
    const [obj, from, to, sel] = fields(p, 4, 'range descriptor', at);
    if (sel?.type !== 'array') throw mismatch('range descriptor selected values', at);
    return {
      selector: 1,
      range: { restrictingObject: captureObjectFromData(obj!, at), from: from!, to: to!, selectedValues: sel.value.map((c) => captureObjectFromData(c, at)) },
    };
  }
  if (selector === 2) {
    const [fe, te, fs, ts] = fields(p, 4, 'entry descriptor', at);
    return {
      selector: 2,
      entry: {
        fromEntry: num(fe, 'double-long-unsigned', 'entry descriptor from_entry', at),
        toEntry: num(te, 'double-long-unsigned', 'entry descriptor to_entry', at),
        fromSelectedValue: num(fs, 'long-unsigned', 'entry descriptor from_selected_value', at),
        toSelectedValue: num(ts, 'long-unsigned', 'entry descriptor to_selected_value', at),
      },
    };
  }
  return { selector, parameters: p };
}

/** The access parameters of a selection as Data. */
export function selectionParameters(s: AccessSelection): DlmsData {
  if ('range' in s) {
    const { restrictingObject, from, to, selectedValues } = s.range;
    return {
      type: 'structure',
      value: [captureObjectToData(restrictingObject), from, to, { type: 'array', value: selectedValues.map(captureObjectToData) }],
    };
  }
  if ('entry' in s) {
    const e = s.entry;
    return {
      type: 'structure',
      value: [
        { type: 'double-long-unsigned', value: e.fromEntry },
        { type: 'double-long-unsigned', value: e.toEntry },
        { type: 'long-unsigned', value: e.fromSelectedValue },
        { type: 'long-unsigned', value: e.toSelectedValue },
      ],
    };
  }
  if (s.selector === 1 || s.selector === 2) {
    throw new DlmsError('DLMS_BAD_VALUE', `access selector ${s.selector} needs a ${s.selector === 1 ? 'range' : 'entry'} descriptor, not raw parameters`);
  }
  return s.parameters;
}

/** Selective-Access-Descriptor without the OPTIONAL flag: selector (Unsigned8) + parameters (Data). */
export function readSelection(r: ApduReader): AccessSelection {
  const selector = r.u8('access selector');
  const at = r.pos;
  const { value, end } = decodeData(r.bytes, at);
  if (end > r.end) r.need(end - at, 'access parameters');
  r.pos = end;
  return parametersToSelection(selector, value, at);
}

export function writeSelection(w: ApduWriter, s: AccessSelection): void {
  w.u8(s.selector, 'access selector').bytes(encodeData(selectionParameters(s)));
}

/** access-selection OPTIONAL, as it follows an attribute descriptor. */
export function readOptionalSelection(r: ApduReader): AccessSelection | null {
  return r.present('access-selection') ? readSelection(r) : null;
}

export function writeOptionalSelection(w: ApduWriter, s: AccessSelection | null): void {
  if (s === null) w.u8(0);
  else writeSelection(w.u8(1), s);
}
