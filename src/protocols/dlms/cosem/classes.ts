/**
 * COSEM interface classes a head-end needs, as declarative data: class id, version, attributes
 * (id, name, A-XDR type) and methods (id, name). Validated by `validateClassTable` (schema test).
 *
 * Class ids: DOMAIN.md §2.2 [verified against Gurux ObjectType]. Attribute and method layouts
 * follow the Blue Book (IEC 62056-6-2) as implemented by Gurux and dlms-cosem; the rows marked
 * `unverified` could not be confirmed against DOMAIN.md or the corpus. Image transfer (18): attribute
 * types and method ids 1..4 checked against Gurux.DLMS.Python GXDLMSImageTransfer and the GXF/OSGP
 * DLMS adapter (docs/dlms-image-transfer.md). `any` is the Blue Book's CHOICE (a value of any type).
 */
import type { DlmsType } from '../axdr/types.ts';

export type AttributeType = DlmsType | 'any';

export interface AttributeDef {
  readonly id: number;
  readonly name: string;
  readonly type: AttributeType;
}
export interface MethodDef {
  readonly id: number;
  readonly name: string;
}
export interface ClassDef {
  readonly classId: number;
  readonly name: string;
  readonly version: number;
  readonly attributes: readonly AttributeDef[];
  readonly methods: readonly MethodDef[];
  readonly unverified?: boolean;
}

const LN = { id: 1, name: 'logical_name', type: 'octet-string' } as const;

export const COSEM_CLASSES = {
  data: {
    classId: 1, name: 'Data', version: 0,
    attributes: [LN, { id: 2, name: 'value', type: 'any' }],
    methods: [],
  },
  register: {
    classId: 3, name: 'Register', version: 0,
    attributes: [LN, { id: 2, name: 'value', type: 'any' }, { id: 3, name: 'scaler_unit', type: 'structure' }],
    methods: [{ id: 1, name: 'reset' }],
  },
  extendedRegister: {
    classId: 4, name: 'Extended register', version: 0,
    attributes: [
      LN, { id: 2, name: 'value', type: 'any' }, { id: 3, name: 'scaler_unit', type: 'structure' },
      { id: 4, name: 'status', type: 'any' }, { id: 5, name: 'capture_time', type: 'octet-string' },
    ],
    methods: [{ id: 1, name: 'reset' }],
  },
  profileGeneric: {
    classId: 7, name: 'Profile generic', version: 1,
    attributes: [
      LN, { id: 2, name: 'buffer', type: 'array' }, { id: 3, name: 'capture_objects', type: 'array' },
      { id: 4, name: 'capture_period', type: 'double-long-unsigned' }, { id: 5, name: 'sort_method', type: 'enum' },
      { id: 6, name: 'sort_object', type: 'structure' }, { id: 7, name: 'entries_in_use', type: 'double-long-unsigned' },
      { id: 8, name: 'profile_entries', type: 'double-long-unsigned' },
    ],
    methods: [{ id: 1, name: 'reset' }, { id: 2, name: 'capture' }],
  },
  clock: {
    classId: 8, name: 'Clock', version: 0,
    attributes: [
      LN, { id: 2, name: 'time', type: 'octet-string' }, { id: 3, name: 'time_zone', type: 'long' },
      { id: 4, name: 'status', type: 'unsigned' }, { id: 5, name: 'daylight_savings_begin', type: 'octet-string' },
      { id: 6, name: 'daylight_savings_end', type: 'octet-string' }, { id: 7, name: 'daylight_savings_deviation', type: 'integer' },
      { id: 8, name: 'daylight_savings_enabled', type: 'boolean' }, { id: 9, name: 'clock_base', type: 'enum' },
    ],
    methods: [
      { id: 1, name: 'adjust_to_quarter' }, { id: 2, name: 'adjust_to_measuring_period' }, { id: 3, name: 'adjust_to_minute' },
      { id: 4, name: 'adjust_to_preset_time' }, { id: 5, name: 'preset_adjusting_time' }, { id: 6, name: 'shift_time' },
    ],
  },
  associationLn: {
    classId: 15, name: 'Association LN', version: 1,
    attributes: [
      LN, { id: 2, name: 'object_list', type: 'array' }, { id: 3, name: 'associated_partners_id', type: 'structure' },
      { id: 4, name: 'application_context_name', type: 'any' }, { id: 5, name: 'xdlms_context_info', type: 'structure' },
      { id: 6, name: 'authentication_mechanism_name', type: 'any' }, { id: 7, name: 'secret', type: 'octet-string' },
      { id: 8, name: 'association_status', type: 'enum' }, { id: 9, name: 'security_setup_reference', type: 'octet-string' },
    ],
    methods: [
      { id: 1, name: 'reply_to_hls_authentication' }, { id: 2, name: 'change_hls_secret' },
      { id: 3, name: 'add_object' }, { id: 4, name: 'remove_object' },
    ],
    unverified: true,
  },
  imageTransfer: {
    classId: 18, name: 'Image transfer', version: 0,
    attributes: [
      LN, { id: 2, name: 'image_block_size', type: 'double-long-unsigned' },
      { id: 3, name: 'image_transferred_blocks_status', type: 'bit-string' },
      { id: 4, name: 'image_first_not_transferred_block_number', type: 'double-long-unsigned' },
      { id: 5, name: 'image_transfer_enabled', type: 'boolean' }, { id: 6, name: 'image_transfer_status', type: 'enum' },
      { id: 7, name: 'image_to_activate_info', type: 'array' },
    ],
    methods: [
      { id: 1, name: 'image_transfer_initiate' }, { id: 2, name: 'image_block_transfer' },
      { id: 3, name: 'image_verify' }, { id: 4, name: 'image_activate' },
    ],
  },
  activityCalendar: {
    classId: 20, name: 'Activity calendar', version: 0,
    attributes: [
      LN, { id: 2, name: 'calendar_name_active', type: 'octet-string' }, { id: 3, name: 'season_profile_active', type: 'array' },
      { id: 4, name: 'week_profile_table_active', type: 'array' }, { id: 5, name: 'day_profile_table_active', type: 'array' },
      { id: 6, name: 'calendar_name_passive', type: 'octet-string' }, { id: 7, name: 'season_profile_passive', type: 'array' },
      { id: 8, name: 'week_profile_table_passive', type: 'array' }, { id: 9, name: 'day_profile_table_passive', type: 'array' },
      { id: 10, name: 'activate_passive_calendar_time', type: 'octet-string' },
    ],
    methods: [{ id: 1, name: 'activate_passive_calendar' }],
    unverified: true,
  },
  registerMonitor: {
    classId: 21, name: 'Register monitor', version: 0,
    attributes: [
      LN, { id: 2, name: 'thresholds', type: 'array' }, { id: 3, name: 'monitored_value', type: 'structure' },
      { id: 4, name: 'actions', type: 'array' },
    ],
    methods: [],
    unverified: true,
  },
  securitySetup: {
    classId: 64, name: 'Security setup', version: 1,
    attributes: [
      LN, { id: 2, name: 'security_policy', type: 'enum' }, { id: 3, name: 'security_suite', type: 'enum' },
      { id: 4, name: 'client_system_title', type: 'octet-string' }, { id: 5, name: 'server_system_title', type: 'octet-string' },
      { id: 6, name: 'certificates', type: 'array' },
    ],
    methods: [
      { id: 1, name: 'security_activate' }, { id: 2, name: 'key_transfer' }, { id: 3, name: 'key_agreement' },
      { id: 4, name: 'generate_key_pair' }, { id: 5, name: 'generate_certificate_request' }, { id: 6, name: 'import_certificate' },
      { id: 7, name: 'export_certificate' }, { id: 8, name: 'remove_certificate' },
    ],
    unverified: true,
  },
  disconnectControl: {
    classId: 70, name: 'Disconnect control', version: 0,
    attributes: [
      LN, { id: 2, name: 'output_state', type: 'boolean' }, { id: 3, name: 'control_state', type: 'enum' },
      { id: 4, name: 'control_mode', type: 'enum' },
    ],
    methods: [{ id: 1, name: 'remote_disconnect' }, { id: 2, name: 'remote_reconnect' }],
  },
  limiter: {
    classId: 71, name: 'Limiter', version: 0,
    attributes: [
      LN, { id: 2, name: 'monitored_value', type: 'structure' }, { id: 3, name: 'threshold_active', type: 'any' },
      { id: 4, name: 'threshold_normal', type: 'any' }, { id: 5, name: 'threshold_emergency', type: 'any' },
      { id: 6, name: 'min_over_threshold_duration', type: 'double-long-unsigned' },
      { id: 7, name: 'min_under_threshold_duration', type: 'double-long-unsigned' },
      { id: 8, name: 'emergency_profile', type: 'structure' }, { id: 9, name: 'emergency_profile_group_id_list', type: 'array' },
      { id: 10, name: 'emergency_profile_active', type: 'boolean' }, { id: 11, name: 'actions', type: 'structure' },
    ],
    methods: [],
    unverified: true,
  },
} as const satisfies Record<string, ClassDef>;

export type CosemClassName = keyof typeof COSEM_CLASSES;

/** Class id by name, e.g. CLASS_ID.profileGeneric === 7. */
export const CLASS_ID = Object.fromEntries(
  Object.entries(COSEM_CLASSES).map(([k, v]) => [k, v.classId]),
) as { readonly [K in CosemClassName]: (typeof COSEM_CLASSES)[K]['classId'] };

const BY_ID: ReadonlyMap<number, ClassDef> = new Map(Object.values(COSEM_CLASSES).map((c) => [c.classId, c]));

export function classById(classId: number): ClassDef | undefined {
  return BY_ID.get(classId);
}

/** Attribute id by name within a class (`attributeId('register', 'scaler_unit') === 3`). */
export function attributeId(cls: CosemClassName, name: string): number {
  const a = (COSEM_CLASSES[cls].attributes as readonly AttributeDef[]).find((x) => x.name === name);
  if (!a) throw new RangeError(`class ${cls} has no attribute ${name}`);
  return a.id;
}

export function methodId(cls: CosemClassName, name: string): number {
  const m = (COSEM_CLASSES[cls].methods as readonly MethodDef[]).find((x) => x.name === name);
  if (!m) throw new RangeError(`class ${cls} has no method ${name}`);
  return m.id;
}

const TYPES = new Set<string>([
  'any', 'null-data', 'array', 'structure', 'boolean', 'bit-string', 'double-long', 'double-long-unsigned', 'octet-string',
  'visible-string', 'utf8-string', 'bcd', 'integer', 'long', 'unsigned', 'long-unsigned', 'compact-array', 'long64',
  'long64-unsigned', 'enum', 'float32', 'float64', 'date-time', 'date', 'time',
]);

/** Schema check of a class table; returns one message per problem (empty = valid). */
export function validateClassTable(table: Readonly<Record<string, ClassDef>>): string[] {
  const problems: string[] = [];
  const ids = new Map<number, string>();
  for (const [key, c] of Object.entries(table)) {
    const at = `${key} (class ${c.classId})`;
    if (!Number.isInteger(c.classId) || c.classId < 1 || c.classId > 0xffff) problems.push(`${at}: class id must be 1..65535`);
    if (ids.has(c.classId)) problems.push(`${at}: class id also used by ${ids.get(c.classId)}`);
    ids.set(c.classId, key);
    if (!Number.isInteger(c.version) || c.version < 0 || c.version > 255) problems.push(`${at}: version must be 0..255`);
    const ln = c.attributes[0];
    if (ln?.id !== 1 || ln.name !== 'logical_name' || ln.type !== 'octet-string') problems.push(`${at}: attribute 1 must be logical_name: octet-string`);
    problems.push(...sequence(at, 'attribute', c.attributes), ...sequence(at, 'method', c.methods));
    for (const a of c.attributes) if (!TYPES.has(a.type)) problems.push(`${at}: attribute ${a.id} has unknown type ${a.type}`);
  }
  return problems;
}

function sequence(at: string, what: string, items: readonly { id: number; name: string }[]): string[] {
  const out: string[] = [];
  const names = new Set<string>();
  items.forEach((x, i) => {
    if (x.id !== i + 1) out.push(`${at}: ${what} ${i + 1} has id ${x.id}; ids must run 1, 2, 3 … without gaps`);
    if (!/^[a-z][a-z0-9_]*$/.test(x.name)) out.push(`${at}: ${what} ${x.id} name "${x.name}" is not snake_case`);
    if (names.has(x.name)) out.push(`${at}: ${what} name ${x.name} is used twice`);
    names.add(x.name);
  });
  return out;
}
