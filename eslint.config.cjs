// @ts-check
// Lint: typescript-eslint with type information, and the import rules that keep the layers one-way
// (docs/testing.md, "Lint and format"). Layout is Biome's formatter's; eslint-config-prettier, last, turns off ESLint's layout rules.
// CommonJS, so that test/lint.test.ts and scripts/check.js can require this very config.
const js = require('@eslint/js');
const prettier = require('eslint-config-prettier/flat');
const { createTypeScriptImportResolver } = require('eslint-import-resolver-typescript');
const { importX } = require('eslint-plugin-import-x');
const { defineConfig } = require('eslint/config');
const tseslint = require('typescript-eslint');

const ROOT = __dirname;

/**
 * The layers, lowest first, and what each may import of ours. A layer imports only layers below it;
 * `imports/` is cdk8s's generated Istio code, used from charts/ up. Tests, bench/ and scripts/ are
 * consumers outside the table: they may import anything, and nothing in the table imports them
 * (test code, wherever it lives, is kept out by its own zone below).
 */
const LAYERS = {
  core: [],
  services: ['core'],
  charts: ['core', 'services', 'imports'],
  policies: ['core', 'services', 'charts', 'imports'],
  infra: ['core', 'services', 'charts', 'policies', 'imports'],
  bootstrap: ['core', 'services', 'charts', 'policies', 'imports', 'infra'],
  cli: ['core', 'services', 'charts', 'policies', 'imports', 'infra', 'bootstrap'],
};
const OURS = [...Object.keys(LAYERS), 'imports', 'bench', 'scripts'];

/** Files that exist for tests: test code, its fixtures and helpers. They may use devDependencies. */
const TEST_FILES = ['**/*.test.ts', '**/*.fixture.ts', '**/testing/**', 'test/**'];
/**
 * Files that are not production code either, and may use devDependencies too; among them the
 * development-time generators of committed files (npm run schema:spec, docs:spec).
 */
const DEV_FILES = [...TEST_FILES, 'bench/**', 'scripts/**', '*.config.{js,cjs}', 'cli/spec-docs-command.ts'];

const layerZones = Object.entries(LAYERS).map(([layer, allowed]) => ({
  target: layer,
  from: OURS.filter((dir) => dir !== layer && !allowed.includes(dir)),
  message: `${layer}/ may import only ${allowed.length === 0 ? 'nothing of ours' : allowed.map((d) => `${d}/`).join(', ')} (layers only import downward: docs/testing.md).`,
}));
const testHelperZone = {
  target: Object.keys(LAYERS),
  from: TEST_FILES,
  message: 'production code never imports test code or test helpers: move what it needs into the production module.',
};

module.exports = defineConfig(
  {
    name: 'ignores: generated, vendored and built files',
    ignores: ['imports/**', 'vendor/**', 'dist/**', 'node_modules/**', '.pulumi/**', 'coverage/**', '.bench/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    name: 'typescript: type-aware',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: ROOT },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Defaults resolve with `??`: `||` would swallow 0 and ''.
      '@typescript-eslint/prefer-nullish-coalescing': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
    },
  },
  {
    name: 'typescript: tests',
    files: TEST_FILES,
    rules: {
      // Jest's asymmetric matchers (expect.any, expect.stringContaining, expect.objectContaining, ...) are typed `any`
      // by @types/jest, and tests put them inside expected values everywhere.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // Test doubles implement async interfaces (fetch, git, exec, resolve) with bodies that have nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    name: 'javascript: scripts and tool configs',
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
      },
    },
  },
  {
    name: 'imports: layers and declared packages',
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${ROOT}/tsconfig.json` })],
      'import-x/extensions': ['.ts', '.js', '.cjs', '.json'],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: [...layerZones, testHelperZone] }],
      'import-x/no-extraneous-dependencies': [
        'error',
        { packageDir: ROOT, includeTypes: true, devDependencies: DEV_FILES.map((glob) => `${ROOT}/${glob}`) },
      ],
    },
  },
  {
    name: 'imports: tests and tools are consumers of every layer',
    files: DEV_FILES,
    rules: { 'import-x/no-restricted-paths': 'off' },
  },
  prettier,
);
