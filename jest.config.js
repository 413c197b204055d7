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
  // Test files run in plain Node.js, loaded by tsx as every npm script is (test/jest/tsx.mjs), in
  // two worker processes that each load a module once (jest-light-runner). Jest's own runner gave
  // every test file a fresh module registry: @pulumi/pulumi, cdk8s and the validators were loaded
  // and compiled again for each of ~100 files, about 35 s of the 80 s of CPU a run took.
  // So nothing is isolated between the files of one worker: a test file must not rely on another
  // leaving module state, process.env or the working directory as it found them (docs/testing.md).
  // Type checking is `npm run check`'s job.
  runner: '<rootDir>/test/jest/runner.mjs',
  setupFiles: ['<rootDir>/test/jest/tsx.mjs'],
  // Without the times of an earlier run, the files that wait on a child process go first.
  testSequencer: '<rootDir>/test/jest/sequencer.js',
  testTimeout: 60000,
  // Jest's default is cores - 1, a single worker on CI's 2 cores; two workers use both.
  maxWorkers: 2,
};
