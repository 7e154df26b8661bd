import type { AuditEntry, Store } from '../store/store.port.ts';
import type { Clock } from './clock.ts';

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

const MAX_PER_ACTION = 10_000;

export class SecurityAlertsService {
  constructor(private readonly store: AlertPorts, private readonly now: Clock) {}

  /** Alerts since `since` (default: the last 7 days), newest first, with counts per action. */
  async list(q: { since?: number; severity?: SecurityAlert['severity']; limit?: number } = {}): Promise<{ items: SecurityAlert[]; total: number; counts: Record<string, number> }> {
    const since = q.since ?? this.now() - 7 * 86_400;
    const all: SecurityAlert[] = [];
    const counts: Record<string, number> = {};
    for (const [action, severity] of Object.entries(SECURITY_ACTIONS)) {
      if (q.severity !== undefined && severity !== q.severity) continue;
      let cursor: string | null = null;
      let seen = 0;
      do {
        const page = await this.store.listAudit({ action }, { limit: 1000, cursor });
        for (const e of page.items) if (e.at >= since) all.push({ ...e, severity });
        seen += page.items.length;
        cursor = page.next;
      } while (cursor && seen < MAX_PER_ACTION);
      counts[action] = all.filter((a) => a.action === action).length;
    }
    all.sort((a, b) => b.at - a.at || b.seq - a.seq);
    return { items: all.slice(0, q.limit ?? 200), total: all.length, counts };
  }
}
