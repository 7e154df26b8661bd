import type { AuditEntry, Store } from '../store/store.port.ts';
import type { Clock } from './clock.ts';
import { allPages } from './paging.ts';

/**
 * Security alerts are audit entries of security-relevant actions: refused DLMS frames (replayed
 * invocation counters, exhausted send counters), CoAP requests that failed their signature or came
 * from the wrong device, failed and locked logins, revoked MQTT credentials. The audit chain is the
 * record; this is the view a security officer works from.
 */
export const SECURITY_ACTIONS: Readonly<Record<string, 'critical' | 'high' | 'medium' | 'low'>> = {
  'dlms.security.replay-rejected': 'high',
  'dlms.security.counter-exhausted': 'critical',
  'coap.auth-failed': 'high',
  'coap.wrong-device': 'high',
  'session.login-locked': 'medium',
  'session.login-failed': 'low',
  'mqtt.credential.revoked': 'low',
};

export interface SecurityAlert extends AuditEntry {
  readonly severity: 'critical' | 'high' | 'medium' | 'low';
}

type AlertPorts = Pick<Store, 'listAudit'>;

export class SecurityAlertsService {
  constructor(private readonly store: AlertPorts, private readonly now: Clock) {}

  /** Alerts since `since` (default: the last 7 days), newest first, with counts per action. */
  async list(q: { since?: number; severity?: SecurityAlert['severity']; limit?: number } = {}): Promise<{
    items: SecurityAlert[]; total: number; counts: Record<string, number>; bySeverity: Record<SecurityAlert['severity'], number>;
  }> {
    const since = q.since ?? this.now() - 7 * 86_400;
    const all: SecurityAlert[] = [];
    const counts: Record<string, number> = {};
    const bySeverity = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const [action, severity] of Object.entries(SECURITY_ACTIONS)) {
      if (q.severity !== undefined && severity !== q.severity) continue;
      const entries = await allPages((page) => this.store.listAudit({ action, since }, page));
      for (const e of entries) all.push({ ...e, severity });
      counts[action] = entries.length;
      bySeverity[severity] += entries.length;
    }
    all.sort((a, b) => b.at - a.at || b.seq - a.seq);
    return { items: all.slice(0, q.limit ?? 200), total: all.length, counts, bySeverity };
  }
}
