/**
 * HAN-port push content (the body of a DataNotification): a list of COSEM objects in one of the
 * shapes meters send, turned into (logical name, value, scaler_unit?) objects.
 *
 * - `basic-structure` (Aidon): array of structure { logical_name, value [, scaler_unit] }.
 * - `basic-list` (Kamstrup): structure { leading items (list id) …, logical_name, value, logical_name, value … }.
 * - `described-list`: structure { push_object_list (array of capture-object definitions), value per definition }.
 * - positional lists (PUSH_LIST_LAYOUTS): structure of values only, the layout names the objects.
 */
import type { Obis } from '../../../model/obis.ts';
import { obis } from '../../../model/obis.ts';
import type { DlmsData } from '../axdr/types.ts';
import { DlmsError } from '../errors.ts';
import { logicalName, parseCaptureObjects } from './profile-generic.ts';
import { parseScalerUnit, type ScalerUnit } from './units.ts';

export interface PushObject {
  readonly logicalName: Obis;
  readonly value: DlmsData;
  readonly scalerUnit?: ScalerUnit;
  readonly classId?: number;
  readonly attributeIndex?: number;
}

export interface PushListLayout {
  readonly name: string;
  /** Where the layout comes from. */
  readonly source: string;
  /** One slot per structure element: the object's logical name and the A-XDR type it must have. */
  readonly slots: readonly { readonly obis: string; readonly type: DlmsData['type'] }[];
}

const u32 = 'double-long-unsigned' as const;
const u16 = 'long-unsigned' as const;
const slots = (type: DlmsData['type'], ...codes: string[]): PushListLayout['slots'] => codes.map((o) => ({ obis: o, type }));

/**
 * Positional push lists. Inferred from the athombv/node-dsmr-parser test captures (payload types
 * ECEList1/ECEList2, Slovenian meters) and the order of their expected objects; UNVERIFIED against
 * a vendor or companion specification.
 */
export const PUSH_LIST_LAYOUTS = [
  {
    name: 'ece-list-1',
    source: 'athombv/node-dsmr-parser ECEList1 (slovenia-list-1)',
    slots: [
      ...slots('octet-string', '0-0:42.0.0', '0-0:96.1.2'),
      ...slots(u32, '1-0:1.7.0', '1-0:2.7.0', '1-0:3.7.0', '1-0:4.7.0'),
      ...slots(u16, '1-0:32.7.0', '1-0:52.7.0', '1-0:72.7.0', '1-0:31.7.0', '1-0:51.7.0', '1-0:71.7.0'),
      ...slots(u32, '1-0:21.7.0', '1-0:41.7.0', '1-0:61.7.0', '1-0:22.7.0', '1-0:42.7.0', '1-0:62.7.0'),
    ],
  },
  {
    name: 'ece-list-2',
    source: 'athombv/node-dsmr-parser ECEList2 (slovenia-list-2)',
    slots: [
      ...slots('octet-string', '0-0:42.0.0', '0-0:96.1.3'),
      { obis: '0-0:96.3.10', type: 'boolean' },
      { obis: '0-0:96.14.0', type: 'octet-string' },
      ...slots(u32, '1-0:1.8.0', '1-0:1.8.1', '1-0:1.8.2', '1-0:2.8.0', '1-0:2.8.1', '1-0:2.8.2', '1-0:3.8.0', '1-0:4.8.0'),
    ],
  },
] as const satisfies readonly PushListLayout[];

export interface ParsedPush {
  readonly layout: string;
  readonly objects: PushObject[];
  /** Elements that are not objects (a list id such as "Kamstrup_V0001"). */
  readonly extras: DlmsData[];
}

const isLn = (d: DlmsData | undefined): boolean => d?.type === 'octet-string' && d.value.length === 6;

/** Recognise the body's shape and list its objects; throws DLMS_COSEM_BAD_OBJECT for an unknown shape. */
export function parsePushBody(body: DlmsData, layouts: readonly PushListLayout[] = PUSH_LIST_LAYOUTS): ParsedPush {
  if (body.type === 'array' && body.value.every((e) => e.type === 'structure' && (e.value.length === 2 || e.value.length === 3) && isLn(e.value[0]))) {
    return { layout: 'basic-structure', objects: body.value.map(basicEntry), extras: [] };
  }
  if (body.type === 'structure') {
    const first = body.value[0];
    if (first?.type === 'array' && first.value.length === body.value.length) return describedList(body.value, first);
    const layout = layouts.find((l) => l.slots.length === body.value.length && l.slots.every((s, i) => body.value[i]!.type === s.type || body.value[i]!.type === 'null-data'));
    if (layout) {
      return { layout: layout.name, objects: layout.slots.map((s, i) => ({ logicalName: obis(s.obis), value: body.value[i]! })), extras: [] };
    }
    const lead = body.value.findIndex(isLn);
    if (lead >= 0 && (body.value.length - lead) % 2 === 0) return basicList(body.value, lead);
  }
  throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `push body ${body.type} of ${'value' in body && Array.isArray(body.value) ? body.value.length : 0} elements has no known list shape`);
}

function basicEntry(e: DlmsData): PushObject {
  const items = e.type === 'structure' ? e.value : [];
  const [ln, value, su] = items as [DlmsData, DlmsData, DlmsData | undefined];
  return { logicalName: logicalName(ln), value, ...(su ? { scalerUnit: parseScalerUnit(su) } : {}) };
}

function basicList(items: readonly DlmsData[], lead: number): ParsedPush {
  const objects: PushObject[] = [];
  for (let i = lead; i < items.length; i += 2) objects.push({ logicalName: logicalName(items[i], `list element ${i}`), value: items[i + 1]! });
  return { layout: 'basic-list', objects, extras: items.slice(0, lead) };
}

function describedList(items: readonly DlmsData[], list: DlmsData): ParsedPush {
  const defs = parseCaptureObjects(list);
  const objects: PushObject[] = [];
  defs.forEach((d, i) => {
    if (i === 0 && d.classId === CLASS_ID_PUSH_SETUP && d.attributeIndex === 2) return; // the list itself
    objects.push({ logicalName: d.logicalName, value: items[i]!, classId: d.classId, attributeIndex: d.attributeIndex });
  });
  return { layout: 'described-list', objects, extras: [] };
}

/** Push setup (class 40) is outside the head-end class table; its attribute 2 is push_object_list. */
const CLASS_ID_PUSH_SETUP = 40;
