// The import rules of ../shared/ARCHITECTURE.md §1, checked by `npm run lint` in CI.
// Tests (*.test.ts, conformance suites) may reach across layers to wire real parts; code may not.
const TESTS = '(\\.test\\.ts$|/conformance/)';

/** A rule: files under `from` may import only from `allowed` (their own folder is always allowed). */
const only = (name, comment, from, allowed) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: TESTS },
  to: { path: '^src/', pathNot: allowed },
});

module.exports = {
  forbidden: [
    only('model-imports-nothing', 'src/model holds the canonical types and pure functions; it imports no other layer.',
      '^src/model/', ['^src/model/']),
    only('codecs-import-only-model', 'protocols/* and formats/* are pure codecs: bytes in, canonical objects out.',
      '^src/(protocols|formats)/([^/]+)/', ['^src/model/', '^src/$1/$2/', '^src/protocols/_harness/', '^src/formats/format\\.ts$']),
    only('store-imports-only-model', 'The store implements its port over the model and nothing else.',
      '^src/store/', ['^src/model/', '^src/store/']),
    only('bus-imports-only-model', 'The bus moves messages; it knows nothing of what they mean.',
      '^src/bus/', ['^src/model/', '^src/bus/']),
    only('ingest-imports-model-and-ports', 'The pipeline uses the Store port and the bus, never a concrete database.',
      '^src/ingest/', ['^src/model/', '^src/ingest/', '^src/bus/', '^src/store/store\\.port\\.ts$', '^src/store/index\\.ts$', '^src/vee/']),
    only('services-import-model-and-ports', 'Services depend on the model, ports and the pure VEE engine, never on a concrete store.',
      '^src/services/', ['^src/model/', '^src/services/', '\\.port\\.ts$', '^src/store/index\\.ts$', '^src/vee/index\\.ts$']),
    only('vee-imports-only-model', 'The VEE engine is pure domain logic over the canonical model.',
      '^src/vee/', ['^src/model/', '^src/vee/']),
    only('faces-import-services', 'api/ and web/ are thin faces over services.',
      '^src/(api|web)/', ['^src/model/', '^src/services/', '^src/$1/']),
    only('cli-imports-services-codecs-and-app', 'The CLI calls services; decode uses codecs; start composes via app/; dlms read uses the head-end\'s DLMS session.',
      '^src/cli/', ['^src/model/', '^src/services/', '^src/protocols/', '^src/formats/', '^src/app/', '^src/cli/', '^src/headend/dlms-session\\.ts$']),
    only('sim-imports-only-model', 'The simulator speaks the model (and later the protocols\' encode side).',
      '^src/sim/', ['^src/model/', '^src/sim/', '^src/protocols/']),
    only('headend-imports-model-codecs-and-ports', 'The head-end reads meters with the protocol codecs and hands readings to the ingest port.',
      '^src/headend/', ['^src/model/', '^src/protocols/', '^src/headend/', '^src/ingest/ingest\\.port\\.ts$', '^src/store/store\\.port\\.ts$']),
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { circular: true },
    },
    {
      name: 'no-concrete-store-outside-app',
      comment: 'Only the composition root (src/app) chooses sqlite or postgres.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app/', '^src/store/', TESTS] },
      to: { path: '^src/store/(sqlite|postgres)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
