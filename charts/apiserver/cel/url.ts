/**
 * The parts of Go's net/url that the Kubernetes CEL URL library (apiserver pkg/cel/library/urls.go)
 * calls: `url(s)` checks `url.ParseRequestURI(s)` then keeps `url.Parse(s)`; `isURL(s)` is
 * `ParseRequestURI(s) == nil`. Error texts follow Go's (`parse "x": invalid URI for request`).
 * Ported from golang/go src/net/url/url.go (see the report for the version read).
 */

export interface GoUrl {
  readonly scheme: string;
  readonly opaque: string;
  readonly host: string;
  readonly path: string;
  readonly rawPath: string;
  readonly rawQuery: string;
}

export type UrlResult = { readonly url: GoUrl } | { readonly error: string };

const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path':
        return c === '?';
      case 'userPassword':
        return c === '@' || c === '/' || c === '?' || c === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const goQuote = (s: string): string => JSON.stringify(s);

class UrlError extends Error {}

function unescape(s: string, mode: Mode): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      const byte = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && byte < 0x80 && s.slice(i, i + 3) !== '%25')
        throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      out += String.fromCharCode(byte);
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode))
        throw new UrlError(`invalid character ${goQuote(c)} in host name`);
      out += mode === 'queryComponent' && c === '+' ? ' ' : c;
      i++;
    }
  }
  return out;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const c of s)
    out += c.charCodeAt(0) < 0x80 && shouldEscape(c, mode) ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c;
  return out;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host');
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1 && !validOptionalPort(host.slice(i))) throw new UrlError(`invalid port ${goQuote(host.slice(i))} after host`);
  }
  return unescape(host, 'host');
}

const validUserinfo = (s: string): boolean => /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);

function parseAuthority(authority: string): string {
  const i = authority.lastIndexOf('@');
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i >= 0) {
    const userinfo = authority.slice(0, i);
    if (!validUserinfo(userinfo)) throw new UrlError('net/url: invalid userinfo');
    for (const part of userinfo.split(':', 2)) unescape(part, 'userPassword');
  }
  return host;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new UrlError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parse(raw: string, viaRequest: boolean): GoUrl {
  // eslint-disable-next-line no-control-regex -- Go's url.Parse rejects ASCII control characters, which is what this matches
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new UrlError('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new UrlError('empty url');
  if (raw === '*') return { scheme: '', opaque: '', host: '', path: '*', rawPath: '', rawQuery: '' };
  const [schemeRaw, afterScheme] = getScheme(raw);
  const scheme = schemeRaw.toLowerCase();
  let rest = afterScheme;
  let rawQuery = '';
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) [rest, rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, opaque: rest, host: '', path: '', rawPath: '', rawQuery };
    if (viaRequest) throw new UrlError('invalid URI for request');
    if (rest.split('/', 1)[0].includes(':')) throw new UrlError('first path segment in URL cannot contain colon');
  }
  let host = '';
  if ((scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) [authority, rest] = [authority.slice(0, i), authority.slice(i)];
    host = parseAuthority(authority);
  }
  const path = unescape(rest, 'path');
  return { scheme, opaque: '', host, path, rawPath: escape(path, 'path') === rest ? '' : rest, rawQuery };
}

function attempt(raw: string, quoted: string, viaRequest: boolean): UrlResult {
  try {
    return { url: parse(raw, viaRequest) };
  } catch (e) {
    if (e instanceof UrlError) return { error: `parse ${goQuote(quoted)}: ${e.message}` };
    throw e;
  }
}

/** Go `url.ParseRequestURI`. */
export function parseRequestURI(raw: string): UrlResult {
  return attempt(raw, raw, true);
}

/** Go `url.Parse` (the fragment is cut off and not kept: the CEL library has no accessor for it). */
export function parseUrl(raw: string): UrlResult {
  const hash = raw.indexOf('#');
  const u = hash < 0 ? raw : raw.slice(0, hash);
  const r = attempt(u, u, false);
  if ('url' in r && hash >= 0) {
    try {
      unescape(raw.slice(hash + 1), 'fragment');
    } catch (e) {
      if (e instanceof UrlError) return { error: `parse ${goQuote(raw)}: ${e.message}` };
      throw e;
    }
  }
  return r;
}

/** Go `splitHostPort` behind `URL.Hostname()` and `URL.Port()`. */
export function splitHostPort(hostPort: string): { host: string; port: string } {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) [host, port] = [host.slice(0, colon), host.slice(colon + 1)];
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

/** Go `URL.EscapedPath()`. */
export function escapedPath(u: GoUrl): string {
  if (u.rawPath !== '') {
    try {
      if (unescape(u.rawPath, 'path') === u.path && !/[^A-Za-z0-9\-._~!$&'()*+,;=:@[\]%/]/.test(u.rawPath)) return u.rawPath;
    } catch {
      // fall through to escaping the decoded path, as Go does
    }
  }
  return u.path === '*' ? '*' : escape(u.path, 'path');
}

/** Go `URL.Query()` (`ParseQuery`, errors dropped): key to values in order. */
export function query(u: GoUrl): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    try {
      const k = unescape(eq < 0 ? pair : pair.slice(0, eq), 'queryComponent');
      const v = unescape(eq < 0 ? '' : pair.slice(eq + 1), 'queryComponent');
      m.set(k, [...(m.get(k) ?? []), v]);
    } catch {
      // Go skips a pair it cannot unescape
    }
  }
  return m;
}
