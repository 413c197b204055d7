/**
 * Stack traces under Jest, made cheap where nothing maps them. Jest's runner installs
 * source-map-support in each test file's context, which formats every frame of every stack
 * in JavaScript and maps it through the source map of its file. @pulumi/pulumi takes a stack
 * trace for each promise it creates (runtime/debuggable.js), thousands per program run, and
 * under Jest a plan spent two thirds of its time formatting frames of the SDK's own files.
 *
 * Frames of this repository's files (the ones Jest transformed, with a source map) still go
 * through that same source-map-support, so a failure still points at the TypeScript line;
 * the other frames (node_modules, node:) are formatted by V8, as without Jest. A run of our
frames seen before gets the text it got then.
 */
import * as path from 'node:path';

type Prepare = (error: Error, frames: NodeJS.CallSite[]) => string;
/** V8's call sites print as a stack line; @types/node leaves their toString out. */
const frameText = (frame: NodeJS.CallSite): string => (frame as NodeJS.CallSite & { toString(): string }).toString();

const ROOT = `${path.resolve(__dirname, '..', '..')}${path.sep}`;
// eslint-disable-next-line @typescript-eslint/unbound-method -- source-map-support installs a plain function, which uses no `this`
const mapped = Error.prepareStackTrace as Prepare | undefined;

/**
 * Files Jest transformed, so with a source map: this repository's, and TypeScript anywhere
 * else (a test's temporary catalogue module is transformed too, and its errors must point at
 * its own lines).
 */
function transformed(frame: NodeJS.CallSite): boolean {
  const file = frame.getFileName();
  if (file === undefined || file === null || file.includes(`${path.sep}node_modules${path.sep}`)) return false;
  return file.startsWith(ROOT) || file.endsWith('.ts');
}

if (typeof mapped === 'function') {
  const mappedRuns = new Map<string, string>();
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string => {
    // The first line as source-map-support writes it, then each frame; a run of consecutive
    // frames of our files is mapped in one call, as source-map-support maps a whole stack.
    const header = mapped(error, []);
    let text = header;
    let run: NodeJS.CallSite[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      // The same call paths recur (one per resource type): map each run of frames once. What
      // source-map-support writes depends on the frames' positions and names, all in V8's text.
      const key = run.map(frameText).join('\n');
      let frames = mappedRuns.get(key);
      if (frames === undefined) {
        frames = mapped(error, run).slice(header.length);
        mappedRuns.set(key, frames);
      }
      text += frames;
      run = [];
    };
    for (const frame of frames) {
      if (transformed(frame)) {
        run.push(frame);
      } else {
        flush();
        text += `\n    at ${frameText(frame)}`;
      }
    }
    flush();
    return text;
  };
}
