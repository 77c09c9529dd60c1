// @swc/jest instead of ts-jest: TypeScript 7 has no compiler API and swc is ~10x faster on 2 cores.
// Decorator metadata is on so Nest's dependency injection and class-validator work under test.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@ledger/(domain|event-store|ledger)$': '<rootDir>/libs/$1/src',
  '^@ledger/(domain|event-store|ledger)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = { setupFiles: ['reflect-metadata'], transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
