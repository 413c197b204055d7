import * as path from 'node:path';
import type { Catalogue, ServiceDefinition, ServiceSpec } from './spec';

/**
 * Declares a service. Records the file that called it, so that every validation
 * message can name the file an app team has to edit.
 */
export function defineService(spec: ServiceSpec): ServiceDefinition {
  const source = callerFile(defineService);
  return source === undefined ? { spec } : { spec, source };
}

/** Declares a catalogue, recording its file so that problems of the whole catalogue name it. */
export function defineCatalogue(
  name: string,
  services: readonly ServiceDefinition[],
  options: { readonly owners?: readonly string[] } = {},
): Catalogue {
  const source = callerFile(defineCatalogue);
  return { name, services, ...(options.owners !== undefined && { owners: options.owners }), ...(source !== undefined && { source }) };
}

/** Repository-relative path of the module that called `fn`, if V8 can tell. */
function callerFile(fn: (...args: never[]) => unknown): string | undefined {
  const holder: { stack?: unknown } = {};
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back below, never called
  const previous = Error.prepareStackTrace;
  let sites: unknown;
  Error.prepareStackTrace = (_error, callSites) => callSites;
  try {
    Error.captureStackTrace(holder, fn);
    sites = holder.stack; // formatted lazily: read it while our formatter is installed
  } finally {
    Error.prepareStackTrace = previous;
  }
  const first = Array.isArray(sites) ? (sites[0] as NodeJS.CallSite | undefined) : undefined;
  const file = typeof first?.getFileName === 'function' ? first.getFileName() : undefined;
  if (file === undefined || file === null) return undefined;
  const absolute = file.startsWith('file://') ? new URL(file).pathname : file;
  return path.relative(process.cwd(), absolute).split(path.sep).join('/');
}
