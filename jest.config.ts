import type { Config } from 'jest';

// Handler code and @middy/core are ES modules; @swc/jest compiles both to CommonJS for Jest,
// which keeps Jest out of its experimental ESM mode.
const transform: Config['transform'] = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!(@middy)/)'];
// @middy/core exports only an `import` condition, which Jest's CommonJS resolver does not use.
const moduleNameMapper = { '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js' };
const shared = { transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node' };
// One DynamoDB Local and one SQS emulator per run: Jest runs a global setup module once however many projects name it.
const emulators = {
  globalSetup: '<rootDir>/test/integration/global-setup.ts',
  globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
};

const config: Config = {
  // A test that drives the pipeline waits on emulators; on a shared 2-core runner Jest's 5 s default is too short.
  // Jest 29 takes testTimeout only here, for every project (in a project's options it is an unknown option, and
  // jest.config.ts does not type-check).
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    // Node's environment, plus a DynamoDB Local of its own for the files that ask (support/integration-environment.ts).
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      testEnvironment: '<rootDir>/test/integration/support/integration-environment.ts',
      ...emulators,
    },
    // The benchmark tool's own tests (capacity units, cost model, the metering proxies), apart from the product's.
    { ...shared, displayName: 'bench', testMatch: ['<rootDir>/test/bench/**/*.test.ts'], ...emulators },
  ],
};

export default config;
