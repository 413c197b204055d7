/**
 * A stand-in for a CommonJS module that loads the module on first use. Jest maps a few of
 * @pulumi/pulumi's imports to such stand-ins (jest.config.js, moduleNameMapper): the SDK loads
 * its closure serializer when it is imported, with TypeScript (9 MB of JavaScript) and npm's
 * arborist (pacote, tar, sigstore: 440 modules in all), and every test file that imports the
 * SDK paid for compiling and running them in its fresh module registry. Only
 * `pulumi.runtime.serializeFunction` and `computeCodePaths` use them, and nothing here calls
 * either; if something does, the real module is loaded then and behaves as before.
 */
export function lazyModule<T extends object>(load: () => T): T {
  let loaded: T | undefined;
  const real = (): T => (loaded ??= load());
  return new Proxy({} as T, {
    // `__esModule` answers true without loading: TypeScript's __importStar then hands this
    // proxy to its caller as it is, instead of copying (so reading) every export at import.
    get: (_, key) => (key === '__esModule' ? true : Reflect.get(real(), key)),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may not report a property of its (empty) target as non-configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
