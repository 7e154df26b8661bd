import { createHash, randomBytes } from 'node:crypto';
import { MeterstackError, type EpochSeconds } from '../model/index.ts';
import type { SessionRecord, Store, UserRecord } from '../store/store.port.ts';
import { isRole, type Role } from './auth.rules.ts';
import type { Principal } from './auth.service.ts';
import type { Clock } from './clock.ts';
import { decoyHash, generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import {
  FAILED_LOGIN_WINDOW_S, MAX_FAILED_LOGINS, passwordProblem, sessionActive, sessionExpiry, shouldTouch, validUsername,
} from './users.rules.ts';

/** A user as the faces see one: never the password hash. */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly role: Role;
  readonly premise?: string;
  readonly createdAt: EpochSeconds;
  readonly updatedAt: EpochSeconds;
  readonly disabledAt?: EpochSeconds;
}

export interface NewUser {
  readonly username: string;
  readonly name?: string;
  readonly role: string;
  /** Required for a customer, refused for every other role. */
  readonly premise?: string;
  /** Without one, a password is generated and returned once. */
  readonly password?: string;
}

export interface UserPatch {
  readonly name?: string;
  readonly role?: string;
  /** null removes it. */
  readonly premise?: string | null;
  readonly password?: string;
  readonly disabled?: boolean;
}

export interface Login {
  /** The session cookie's value: returned once, only its SHA-256 is stored. */
  readonly token: string;
  readonly csrf: string;
  readonly expiresAt: EpochSeconds;
  readonly user: UserView;
}

export interface ActiveSession {
  readonly principal: Principal;
  readonly csrf: string;
  readonly expiresAt: EpochSeconds;
  readonly user: UserView;
}

export interface DemoUser {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly premise?: string;
}

export const SESSION_PREFIX = 'mss_';

type UserPorts = Pick<Store,
  'putUser' | 'getUser' | 'findUser' | 'listUsers' | 'countUsers' | 'putSession' | 'findSession' | 'touchSession'
  | 'deleteSession' | 'deleteUserSessions' | 'deleteExpiredSessions' | 'appendAudit'>;

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export function viewOf(u: UserRecord): UserView {
  return {
    id: u.id, username: u.username, name: u.name, role: u.role as Role, ...(u.premise !== undefined ? { premise: u.premise } : {}),
    createdAt: u.createdAt, updatedAt: u.updatedAt, ...(u.disabledAt !== undefined ? { disabledAt: u.disabledAt } : {}),
  };
}

function principalOf(u: UserRecord): Principal {
  return { keyId: u.id, role: u.role, label: u.name, user: u.username, ...(u.premise !== undefined ? { premise: u.premise } : {}) };
}

function invalid(message: string, field: string): MeterstackError {
  return new MeterstackError('USER_INVALID', message, { details: { field } });
}

function checkRolePremise(role: string, premise: string | undefined): asserts role is Role {
  if (!isRole(role)) throw new MeterstackError('AUTH_ROLE_UNKNOWN', `no role "${role}"`);
  if (role === 'customer' && (premise === undefined || premise.trim() === '')) throw invalid('a customer needs the premise whose meters they may see', 'premise');
  if (role !== 'customer' && premise !== undefined) throw invalid(`only a customer has a premise, not a user with role "${role}"`, 'premise');
}

function checkPassword(pw: string): void {
  const problem = passwordProblem(pw);
  if (problem) throw invalid(problem, 'password');
}

/**
 * People who log in to the console and the portal: users with a role (and a customer's premise),
 * scrypt password hashes, sessions behind an HttpOnly cookie. Every login, logout and change to a
 * user is audited; a failed login is audited too, without the password.
 */
export class UsersService {
  /** Failed logins per lower-cased username (epoch seconds), for the lockout; in memory, per process. */
  private readonly failures = new Map<string, EpochSeconds[]>();

  constructor(private readonly store: UserPorts, private readonly now: Clock) {}

  async list(): Promise<UserView[]> {
    return (await this.store.listUsers()).map(viewOf);
  }

  async get(id: string): Promise<UserView> {
    return viewOf(await this.record(id));
  }

  async create(input: NewUser, actor: string): Promise<{ user: UserView; password?: string }> {
    const username = input.username.trim();
    if (!validUsername(username)) throw invalid('a username is 2–64 letters, digits or . _ @ -, starting with a letter or digit', 'username');
    checkRolePremise(input.role, input.premise);
    if (input.password !== undefined) checkPassword(input.password);
    if (await this.store.findUser(username)) throw new MeterstackError('USER_EXISTS', `a user "${username}" exists already`);
    const password = input.password ?? generatePassword();
    const at = this.now();
    const record: UserRecord = {
      id: `usr_${randomBytes(9).toString('base64url')}`, username, name: input.name?.trim() || username, role: input.role,
      ...(input.premise !== undefined ? { premise: input.premise.trim() } : {}), password: await hashPassword(password), createdAt: at, updatedAt: at,
    };
    await this.store.putUser(record);
    await this.store.appendAudit([{
      at, actor, action: 'user.create', object: `user:${username}`,
      details: { id: record.id, role: record.role, ...(record.premise !== undefined ? { premise: record.premise } : {}) },
    }]);
    return { user: viewOf(record), ...(input.password === undefined ? { password } : {}) };
  }

  /** A new password, role, premise or disabling ends the user's sessions: they log in again. */
  async update(id: string, patch: UserPatch, actor: string): Promise<UserView> {
    const before = await this.record(id);
    const role = patch.role ?? before.role;
    const premise = patch.premise === null ? undefined : patch.premise ?? (patch.role !== undefined && patch.role !== 'customer' ? undefined : before.premise);
    checkRolePremise(role, premise);
    if (patch.password !== undefined) checkPassword(patch.password);
    const at = this.now();
    const disabledAt = patch.disabled === undefined ? before.disabledAt : patch.disabled ? before.disabledAt ?? at : undefined;
    const after: UserRecord = {
      id: before.id, username: before.username, name: patch.name?.trim() || before.name, role, ...(premise !== undefined ? { premise } : {}),
      password: patch.password !== undefined ? await hashPassword(patch.password) : before.password,
      createdAt: before.createdAt, updatedAt: at, ...(disabledAt !== undefined ? { disabledAt } : {}),
    };
    await this.store.putUser(after);
    const changed = [
      ...(after.name !== before.name ? ['name'] : []), ...(after.role !== before.role ? ['role'] : []),
      ...(after.premise !== before.premise ? ['premise'] : []), ...(patch.password !== undefined ? ['password'] : []),
      ...(after.disabledAt !== before.disabledAt ? [after.disabledAt !== undefined ? 'disabled' : 'enabled'] : []),
    ];
    const endsSessions = changed.some((c) => c !== 'name');
    const ended = endsSessions ? await this.store.deleteUserSessions(id) : 0;
    await this.store.appendAudit([{
      at, actor, action: 'user.update', object: `user:${before.username}`,
      details: { changed, role: after.role, ...(after.premise !== undefined ? { premise: after.premise } : {}), sessionsEnded: ended },
    }]);
    return viewOf(after);
  }

  async login(username: string, password: string): Promise<Login> {
    const at = this.now();
    const key = username.trim().toLowerCase();
    const recent = (this.failures.get(key) ?? []).filter((t) => t > at - FAILED_LOGIN_WINDOW_S);
    if (recent.length >= MAX_FAILED_LOGINS) {
      await this.store.appendAudit([{ at, actor: 'anonymous', action: 'session.login-locked', object: `user:${key}` }]);
      throw new MeterstackError('AUTH_LOCKED', `too many failed logins for "${username}"; try again in ${Math.ceil((recent[0]! + FAILED_LOGIN_WINDOW_S - at) / 60)} minutes`);
    }
    const user = validUsername(key) ? await this.store.findUser(key) : undefined;
    const ok = await verifyPassword(password, user?.password ?? await decoyHash());
    if (!user || !ok || user.disabledAt !== undefined) {
      this.failures.set(key, [...recent, at]);
      await this.store.appendAudit([{
        at, actor: 'anonymous', action: 'session.login-failed', object: `user:${user?.username ?? key.slice(0, 64)}`,
        details: { reason: !user ? 'unknown-user' : !ok ? 'wrong-password' : 'disabled' },
      }]);
      throw new MeterstackError('AUTH_LOGIN_FAILED', 'unknown user or wrong password');
    }
    this.failures.delete(key);
    await this.store.deleteExpiredSessions(at);
    const token = SESSION_PREFIX + randomBytes(32).toString('base64url');
    const session: SessionRecord = {
      hash: sha256(token), userId: user.id, csrf: randomBytes(24).toString('base64url'), createdAt: at, seenAt: at, expiresAt: sessionExpiry(at, at),
    };
    await this.store.putSession(session);
    await this.store.appendAudit([{ at, actor: `user:${user.username}`, action: 'session.login', object: `user:${user.username}`, details: { role: user.role } }]);
    return { token, csrf: session.csrf, expiresAt: session.expiresAt, user: viewOf(user) };
  }

  /** The session behind a cookie value, or undefined when unknown, expired or its user disabled. */
  async session(token: string | undefined): Promise<ActiveSession | undefined> {
    if (!token || !token.startsWith(SESSION_PREFIX) || token.length > 100) return undefined;
    const hash = sha256(token);
    const s = await this.store.findSession(hash);
    if (!s) return undefined;
    const at = this.now();
    if (!sessionActive(s, at)) {
      await this.store.deleteSession(hash);
      return undefined;
    }
    const user = await this.store.getUser(s.userId);
    if (!user || user.disabledAt !== undefined) return undefined;
    let expiresAt = s.expiresAt;
    if (shouldTouch(s, at)) {
      expiresAt = sessionExpiry(s.createdAt, at);
      await this.store.touchSession(hash, at, expiresAt);
    }
    return { principal: principalOf(user), csrf: s.csrf, expiresAt, user: viewOf(user) };
  }

  async logout(token: string | undefined): Promise<boolean> {
    const active = await this.session(token);
    if (!active) return false;
    await this.store.deleteSession(sha256(token!));
    const username = active.user.username;
    await this.store.appendAudit([{ at: this.now(), actor: `user:${username}`, action: 'session.logout', object: `user:${username}` }]);
    return true;
  }

  /**
   * On a platform without any user: an operator, an administrator and a customer login for each of
   * the given premises (a few simulated homes), with generated passwords the caller prints once.
   * Later starts create nothing.
   */
  async ensureDemoUsers(premises: readonly string[]): Promise<DemoUser[]> {
    if (await this.store.countUsers() > 0) return [];
    const wanted: NewUser[] = [
      { username: 'operator', name: 'Demo operator', role: 'operator' },
      { username: 'admin', name: 'Demo administrator', role: 'admin' },
      ...premises.map((premise, i) => ({ username: `customer${i + 1}`, name: `Demo customer ${i + 1}`, role: 'customer', premise })),
    ];
    const out: DemoUser[] = [];
    for (const w of wanted) {
      const { user, password } = await this.create(w, 'system');
      out.push({ username: user.username, password: password!, role: user.role, ...(user.premise !== undefined ? { premise: user.premise } : {}) });
    }
    return out;
  }

  private async record(id: string): Promise<UserRecord> {
    const u = await this.store.getUser(id);
    if (!u) throw new MeterstackError('USER_NOT_FOUND', `no user "${id}"`);
    return u;
  }
}
