// Three projects: unit tests (fakes only), the test stack's own stand-ins (no stack
// needed), and e2e tests (dist/ against the real stack). Shared fakes for the unit
// tests live in __fixtures__/: imported by tests, never matched as tests.
const tsJest = { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }] };
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: tsJest,
};
export default {
  reporters: ['default', '<rootDir>/test/support/count-reporter.cjs'],
  // e2e tests run real deploys; unit tests finish in milliseconds either way.
  testTimeout: 120_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/**/*.test.ts'] },
    { ...common, displayName: 'stack', testMatch: ['<rootDir>/test/stack/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
