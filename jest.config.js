/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/services',
    '<rootDir>/core',
    '<rootDir>/charts',
    '<rootDir>/infra',
    '<rootDir>/bootstrap',
    '<rootDir>/cli',
    '<rootDir>/bench',
    '<rootDir>/policies',
    '<rootDir>/test',
  ],
  testMatch: ['**/*.test.ts'],
  // Type checking runs once in `npm run typecheck`; the transform only transpiles, with the
  // esbuild that tsx brings (test/jest/esbuild-transform.js).
  // Octokit and its dependencies are ES modules only, which jest's module system cannot load
  // (Node 20.19+ can, so tsx needs nothing): the same transform rewrites them to CommonJS.
  transform: {
    '^.+\\.ts$': '<rootDir>/test/jest/esbuild-transform.js',
    '/node_modules/.+\\.js$': '<rootDir>/test/jest/esbuild-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@octokit|universal-user-agent|before-after-hook|json-with-bigint|content-type)/)'],
  // @pulumi/pulumi loads its closure serializer (TypeScript, npm's arborist: 440 modules) when
  // imported, and each test file has its own module registry: load them on first use instead
  // (test/jest/lazy.ts). Nothing here serializes a closure.
  moduleNameMapper: {
    '^\\.\\./\\.\\./typescript-shim$': '<rootDir>/test/jest/pulumi-typescript-shim.ts',
    '^@npmcli/arborist$': '<rootDir>/test/jest/npmcli-arborist.ts',
  },
  // Stack frames outside this repository skip source-map-support (test/jest/stack-traces.ts).
  setupFilesAfterEnv: ['<rootDir>/test/jest/stack-traces.ts'],
  // Without the times of an earlier run, the files that wait on a child process go first.
  testSequencer: '<rootDir>/test/jest/sequencer.js',
  testTimeout: 60000,
  // Jest's default is cores - 1, a single worker on CI's 2 cores; two workers use both and
  // cut the run from about 72 s to 45 s.
  maxWorkers: 2,
};
