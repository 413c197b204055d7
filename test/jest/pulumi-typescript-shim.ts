/** @pulumi/pulumi's `typescript-shim` (runtime/closure/parseFunction.js requires it), loaded on first use: see lazy.ts. */
import { lazyModule } from './lazy';

// The SDK's own file, by its full path: the request `../../typescript-shim` is what is mapped here.
export = lazyModule(() => require(require.resolve('@pulumi/pulumi/typescript-shim')) as object);
