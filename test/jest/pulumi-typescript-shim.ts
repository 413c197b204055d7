/** @pulumi/pulumi's `typescript-shim` (runtime/closure/parseFunction.js requires it), loaded on first use: see lazy.ts. */
import { lazyModule } from './lazy';

/* eslint-disable @typescript-eslint/no-require-imports -- the real module is loaded by its path, at run time, on first use */

// The SDK's own file, by its full path: the request `../../typescript-shim` is what is mapped here.
export = lazyModule(() => require(require.resolve('@pulumi/pulumi/typescript-shim')) as object);
