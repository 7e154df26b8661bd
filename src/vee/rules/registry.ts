import type { RuleId } from '../types.ts';
import { clock } from './clock.ts';
import { exportNoGeneration } from './export-no-generation.ts';
import { gap } from './gap.ts';
import { highLow } from './high-low.ts';
import { negativeImport } from './negative-import.ts';
import { outsideInstallation } from './outside-installation.ts';
import { powerOutage } from './power-outage.ts';
import { current, frequency, powerFactor, voltage } from './power-quality.ts';
import { registerReset, registerRollover } from './register-jump.ts';
import { registerSum } from './register-sum.ts';
import type { Params, RuleDef } from './rule.ts';
import { spike } from './spike.ts';
import { conflictingVersion, duplicate } from './versions.ts';
import { zeroRun } from './zero-run.ts';

/**
 * Every rule, in the order the engine runs them: the merge findings first, then what excludes or
 * explains intervals (installation period, outages, clock, register jumps), then the value checks
 * that skip intervals already invalid, and last the sums over the window.
 */
export const RULES: readonly RuleDef<Params>[] = [
  duplicate, conflictingVersion, outsideInstallation, gap, powerOutage, clock, registerRollover, registerReset,
  negativeImport, spike, zeroRun, highLow, registerSum, voltage, current, powerFactor, frequency, exportNoGeneration,
] as unknown as readonly RuleDef<Params>[];

export const RULE_BY_ID: ReadonlyMap<RuleId, RuleDef<Params>> = new Map(RULES.map((r) => [r.id, r]));
