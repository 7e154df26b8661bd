import { loadConfig } from '../app/config.ts';
import { openPlatform } from '../app/platform.ts';
import type { Services } from '../services/index.ts';
import { reportError } from './output.ts';

export const DATA_OPTION = ['--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)'] as const;

/** Who a command acts as in the audit log. */
export const cliActor = (): string => `cli:${process.env.USER ?? 'unknown'}`;

/** Opens the platform (no simulator, no listeners), runs `fn`, closes; errors print their code, and a non-zero code exits. */
export async function withServices(opts: { data?: string }, fn: (s: Services) => Promise<number | void>): Promise<void> {
  let code = 0;
  try {
    const platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
    try {
      code = (await fn(platform.services)) ?? 0;
    } finally {
      await platform.close();
    }
  } catch (e) {
    code = reportError(e);
  }
  if (code !== 0) process.exit(code);
}
