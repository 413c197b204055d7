/** `@npmcli/arborist` (@pulumi/pulumi runtime/closure/codePaths.js requires it), loaded on first use: see lazy.ts. */
import * as path from 'node:path';
import { lazyModule } from './lazy';

/* eslint-disable @typescript-eslint/no-require-imports -- the real module is loaded by its path, at run time, on first use */

// The package by the full path of its main file: its name is what is mapped here.
const manifest = require.resolve('@npmcli/arborist/package.json');
export = lazyModule(() => require(path.join(path.dirname(manifest), (require(manifest) as { main: string }).main)) as object);
