/**
 * Who may do what. Deny by default: a role gets exactly the permissions listed here, and a role
 * without an entry (or a permission nobody lists) is refused. Roles whose rule is per object get
 * only permissions whose routes make that check: a customer gets `portal:read`, whose routes serve
 * the customer's own premise only (PortalService), and `portal:write` (consents, peak-event answers)
 * likewise; third-party gets `thirdparty:read`, whose routes serve only what a live consent allows.
 */
export const PERMISSIONS = [
  'meters:read', 'readings:read', 'topology:read', 'ingest:write',
  'rejects:read', 'receipts:read', 'audit:read', 'keys:create', 'vee:read', 'vee:write',
  'portal:read', 'users:read', 'users:write',
  'tariffs:read', 'tariffs:write', 'accounts:read', 'accounts:write', 'billing:read', 'billing:write', 'settlement:read', 'settlement:write', 'outages:read',
  'portal:write', 'firmware:read', 'firmware:write', 'consents:read', 'consents:write', 'thirdparty:read', 'dr:read', 'dr:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'admin', 'operator', 'field-technician', 'billing', 'grid-operations', 'security-officer', 'auditor', 'customer', 'third-party',
] as const;
export type Role = (typeof ROLES)[number];

const READ_DATA: readonly Permission[] = ['meters:read', 'readings:read', 'topology:read'];

export const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  operator: [...READ_DATA, 'ingest:write', 'rejects:read', 'receipts:read', 'vee:read', 'vee:write', 'tariffs:read', 'accounts:read', 'billing:read', 'settlement:read',
    'portal:read', 'outages:read', 'firmware:read', 'firmware:write', 'consents:read', 'dr:read', 'dr:write'],
  'field-technician': ['meters:read', 'topology:read', 'outages:read', 'firmware:read'],
  billing: ['meters:read', 'readings:read', 'vee:read', 'tariffs:read', 'tariffs:write', 'accounts:read', 'accounts:write', 'billing:read', 'billing:write', 'settlement:read', 'settlement:write'],
  'grid-operations': [...READ_DATA, 'outages:read', 'dr:read', 'dr:write'],
  'security-officer': ['audit:read', 'receipts:read', 'users:read', 'firmware:read', 'consents:read', 'consents:write'],
  auditor: ['meters:read', 'rejects:read', 'receipts:read', 'audit:read', 'vee:read', 'tariffs:read', 'accounts:read', 'billing:read', 'settlement:read', 'outages:read',
    'firmware:read', 'consents:read', 'dr:read'],
  customer: ['portal:read', 'portal:write'],
  'third-party': ['thirdparty:read'],
};

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function allows(role: string, permission: Permission): boolean {
  return isRole(role) && GRANTS[role].includes(permission);
}
