/** A short name for which APDU variant a decoded object is, used to compare with upstream class names. */
import type { Apdu } from '../index.ts';

export function variantOf(a: Apdu): string {
  switch (a.type) {
    case 'get-response':
      if (a.kind === 'normal') return `get-response normal ${'data' in a.result ? 'data' : 'error'}`;
      if (a.kind === 'with-datablock') return `get-response with-datablock ${a.block.lastBlock ? 'last' : 'more'} ${'rawData' in a.block ? 'data' : 'error'}`;
      return 'get-response with-list';
    case 'action-response':
      if (a.kind === 'normal') {
        const p = a.returnParameters;
        return `action-response normal ${p === null ? 'none' : 'data' in p ? 'data' : 'error'}`;
      }
      return `action-response ${a.kind}`;
    case 'ciphered':
      return `ciphered ${a.kind}`;
    case 'get-request':
    case 'set-request':
    case 'set-response':
    case 'action-request':
      return `${a.type} ${a.kind}`;
    default:
      return a.type;
  }
}

/** True when `variant` is `expected` or a more specific variant of it. */
export function isVariant(variant: string, expected: string): boolean {
  return variant === expected || variant.startsWith(`${expected} `);
}
