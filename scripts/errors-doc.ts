// Regenerates docs/errors.md from the code registry: `node --import tsx scripts/errors-doc.ts`.
// test/errors-doc.test.ts fails when the two drift apart.
import { writeFileSync } from 'node:fs';
import { ERROR_CODES } from '../src/model/errors.ts';

const rows = Object.entries(ERROR_CODES).map(([code, s]) => `| \`${code}\` | ${s.status} | ${s.layer} | ${s.title} |`);
writeFileSync(new URL('../docs/errors.md', import.meta.url), `# Error codes

Every error a client or user can see carries a stable \`code\`. The API answers with RFC 9457
problem+json (\`type\`, \`title\`, \`status\`, \`detail\`, \`code\`); the CLI prints the code and exits
non-zero; codecs add the byte offset or line. Codes never change meaning; new ones are added.
Generated from \`src/model/errors.ts\` by \`scripts/errors-doc.ts\`.

| code | HTTP | layer | meaning |
|---|---|---|---|
${rows.join('\n')}
`);
