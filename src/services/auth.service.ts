import { createHash, randomBytes } from 'node:crypto';
import { MeterstackError, type EpochSeconds } from '../model/index.ts';
import type { ApiKeyRecord, Store } from '../store/store.port.ts';
import { allows, isRole, type Permission, type Role } from './auth.rules.ts';
import type { Clock } from './clock.ts';

export interface Principal {
  /** The API key's id, or for a logged-in person the user's id. */
  readonly keyId: string;
  readonly role: string;
  readonly label: string;
  /** Set when a person logged in (session cookie) rather than a program sent an API key. */
  readonly user?: string;
  /** A customer's premise: the only meters this principal may see. */
  readonly premise?: string;
}

export interface CreatedKey {
  readonly id: string;
  /** The key itself: shown once, never stored. */
  readonly key: string;
  readonly role: Role;
  readonly label: string;
  readonly createdAt: EpochSeconds;
}

export interface InitialKey {
  /** 'env': METERSTACK_API_KEY is registered; 'generated': a new admin key (print it once); 'existing': keys exist already. */
  readonly source: 'env' | 'generated' | 'existing';
  readonly key?: string;
  readonly keyId?: string;
}

export const KEY_PREFIX = 'msk_';
const MIN_ENV_KEY = 16;

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The id is derived from the hash so that the same env key keeps the same id across restarts. */
export function keyIdOf(hash: string): string {
  return `key_${hash.slice(0, 12)}`;
}

export function actorOf(p: Principal): string {
  return p.user !== undefined ? `user:${p.user}` : `key:${p.keyId}`;
}

type AuthPorts = Pick<Store, 'putApiKey' | 'findApiKey' | 'countApiKeys' | 'appendAudit'>;

export class AuthService {
  constructor(private readonly store: AuthPorts, private readonly now: Clock) {}

  /** Resolve a presented key; anything unknown or revoked is API_UNAUTHORIZED, never a hint why. */
  async verify(key: string | undefined): Promise<Principal> {
    const record = key ? await this.store.findApiKey(hashKey(key)) : undefined;
    if (!record || record.revokedAt !== undefined) {
      throw new MeterstackError('API_UNAUTHORIZED', 'send a valid API key as "Authorization: Bearer <key>"');
    }
    return { keyId: record.id, role: record.role, label: record.label };
  }

  authorize(p: Principal, permission: Permission): void {
    if (!allows(p.role, permission)) {
      throw new MeterstackError('API_FORBIDDEN', `role "${p.role}" may not ${permission.replace(':', ' ')}`, { details: { permission } });
    }
  }

  async createKey(role: string, label: string, actor: string): Promise<CreatedKey> {
    if (!isRole(role)) throw new MeterstackError('AUTH_ROLE_UNKNOWN', `no role "${role}"`);
    const key = KEY_PREFIX + randomBytes(24).toString('base64url');
    const record = await this.register(key, role, label, actor, 'apikey.create');
    return { id: record.id, key, role, label, createdAt: record.createdAt };
  }

  /**
   * Make sure an administrator can get in. METERSTACK_API_KEY is registered as an admin key if it
   * is not yet; without it, the very first start creates an admin key and returns it so the caller
   * prints it once. Later starts create nothing.
   */
  async ensureInitialAdminKey(envKey?: string): Promise<InitialKey> {
    if (envKey !== undefined && envKey !== '') {
      if (envKey.length < MIN_ENV_KEY) {
        throw new MeterstackError('CONFIG_INVALID', `METERSTACK_API_KEY must be at least ${MIN_ENV_KEY} characters`);
      }
      const existing = await this.store.findApiKey(hashKey(envKey));
      const record = existing ?? await this.register(envKey, 'admin', 'METERSTACK_API_KEY', 'system', 'apikey.register-env');
      return { source: 'env', keyId: record.id };
    }
    if (await this.store.countApiKeys() > 0) return { source: 'existing' };
    const created = await this.createKey('admin', 'initial admin key', 'system');
    return { source: 'generated', key: created.key, keyId: created.id };
  }

  private async register(key: string, role: Role, label: string, actor: string, action: string): Promise<ApiKeyRecord> {
    const hash = hashKey(key);
    const record: ApiKeyRecord = { id: keyIdOf(hash), hash, role, label, createdAt: this.now() };
    await this.store.putApiKey(record);
    await this.store.appendAudit([{ at: record.createdAt, actor, action, object: `apikey:${record.id}`, details: { role, label } }]);
    return record;
  }
}
