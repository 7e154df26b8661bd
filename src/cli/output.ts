import { isMeterstackError } from '../model/index.ts';

/** Prints an error the way a person can act on it: code, where, what; never a stack for known errors. */
export function reportError(err: unknown): number {
  if (isMeterstackError(err)) {
    const where = [err.source, err.line !== undefined ? `line ${err.line}` : undefined, err.offset !== undefined ? `offset ${err.offset}` : undefined]
      .filter(Boolean).join(', ');
    process.stderr.write(`error ${err.code}${where ? ` (${where})` : ''}: ${err.message}\n`);
    return err.layer === 'codec' ? 2 : 1;
  }
  process.stderr.write(`error INTERNAL: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  return 1;
}
