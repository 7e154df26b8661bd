/** Types of scripts/web-bundle.mjs for the TypeScript tests that call it. */
export function sourceHash(): string;
export function bundleFresh(hash?: string): boolean;
export function buildBundle(hash?: string): Promise<number>;
export function ensureBundle(opts?: { force?: boolean; log?: (message: string) => void }): Promise<boolean>;
