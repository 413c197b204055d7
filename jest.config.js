/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/services', '<rootDir>/core', '<rootDir>/charts', '<rootDir>/infra', '<rootDir>/bootstrap', '<rootDir>/cli', '<rootDir>/bench', '<rootDir>/policies', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking runs once in `npm run typecheck`; ts-jest only transpiles (tsconfig sets
  // isolatedModules, which puts ts-jest in transpile-only mode).
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // Octokit and its dependencies are ES modules only, which jest's module system cannot
    // load (Node 20.19+ can, so tsx needs nothing): ts-jest rewrites them to CommonJS.
    '/node_modules/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@octokit|universal-user-agent|before-after-hook|json-with-bigint|content-type)/)'],
  testTimeout: 60000,
  // Jest's default is cores - 1, a single worker on CI's 2 cores; two workers use both and
  // cut the run from about 72 s to 45 s.
  maxWorkers: 2,
};
