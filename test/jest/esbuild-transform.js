/**
 * Jest transform: TypeScript (and the ES-module-only packages jest.config.js names) to
 * CommonJS with esbuild, transpile only. Type checking is
 * `npm run typecheck`'s job; ts-jest with isolatedModules did the same per-file transpile
 * through the TypeScript compiler, about 25 times slower and with the compiler loaded in each
 * worker. esbuild is the one tsx runs every npm script with, native binary included.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const tsconfigFile = path.join(__dirname, '..', '..', 'tsconfig.json');
// esbuild reads only the options that change the emitted code (target, useDefineForClassFields...).
const tsconfigRaw = fs.readFileSync(tsconfigFile, 'utf8');
const self = fs.readFileSync(__filename, 'utf8');

module.exports = {
  getCacheKey(source, filename) {
    return crypto
      .createHash('sha256')
      .update(esbuild.version)
      .update('\0')
      .update(self)
      .update('\0')
      .update(tsconfigRaw)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex');
  },
  process(source, filename) {
    const { code, map } = esbuild.transformSync(source, {
      // .ts of ours; .js of the ES-module-only packages jest.config.js lets through.
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'es2022',
      platform: 'node',
      sourcefile: filename,
      sourcemap: 'external',
      sourcesContent: false,
      tsconfigRaw,
    });
    return { code, map };
  },
};
