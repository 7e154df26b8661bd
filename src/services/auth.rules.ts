/**
 * Who may do what. Deny by default: a role gets exactly the permissions listed here, and a role
 * without an entry (or a permission nobody lists) is refused. Roles whose rule is per object
 * (customer: own premises; third-party: live consent) get nothing until that check exists.
 */
export const PERMISSIONS = [
  'meters:read', 'readings:read', 'topology:read', 'ingest:write',
  'rejects:read', 'receipts:read', 'audit:read', 'keys:create', 'vee:read', 'vee:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'admin', 'operator', 'field-technician', 'billing', 'grid-operations', 'security-officer', 'auditor', 'customer', 'third-party',
] as const;
export type Role = (typeof ROLES)[number];

const READ_DATA: readonly Permission[] = ['meters:read', 'readings:read', 'topology:read'];

export const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  operator: [...READ_DATA, 'ingest:write', 'rejects:read', 'receipts:read', 'vee:read', 'vee:write'],
  'field-technician': ['meters:read', 'topology:read'],
  billing: ['meters:read', 'readings:read'],
  'grid-operations': READ_DATA,
  'security-officer': ['audit:read', 'receipts:read'],
  auditor: ['meters:read', 'rejects:read', 'receipts:read', 'audit:read', 'vee:read'],
  customer: [],
  'third-party': [],
};

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function allows(role: string, permission: Permission): boolean {
  return isRole(role) && GRANTS[role].includes(permission);
}
