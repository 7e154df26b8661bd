// The VEE fault-injection run over a full month (issue 5): 1,000 simulated meters, 14 clean days of
// history, then 30 days with faults injected into 2 % of the meter-days. Prints the confusion matrix.
// Usage: node --import tsx scripts/vee-faults.ts [meters] [fault days]
import { formatReport, runFaultInjection } from '../src/vee/conformance/faults.ts';

const meters = Number(process.argv[2] ?? 1000);
const days = Number(process.argv[3] ?? 30);
const r = runFaultInjection({ meters, warmupDays: 14, days });
console.log(formatReport(r));
const ok = r.detected / r.faults >= 0.99 && r.falsePositiveChannelDays / r.cleanChannelDays <= 0.005 && Math.abs(r.estimatedWh - r.truthWh) / r.truthWh <= 0.02;
console.log(ok ? 'PASS: ≥ 99 % found, ≤ 0.5 % false positives, estimates within 2 %' : 'FAIL');
process.exit(ok ? 0 : 1);
