// Reads Go source on stdin and prints, as JSON, the string constants it declares
// (`const name string = ...` / `const name = ...`, also inside `const (...)` blocks), with `+`
// concatenations of string literals and earlier constants resolved. Data only: the vendored
// facts are these strings, not the Go code.
const src = require('fs').readFileSync(0, 'utf8');
const known = JSON.parse(process.argv[2] || '{}');
const out = {};
const head = /^(?:const\s+|\t)([A-Za-z_]\w*)(?:\s+string)?\s*=\s*(.*)$/;
const token = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|[A-Za-z_][\w.]*)\s*(\+|$)/y;
for (const line of src.split('\n')) {
  const m = head.exec(line);
  if (!m) continue;
  const expr = m[2];
  token.lastIndex = 0;
  let value = '';
  let ok = true;
  let done = false;
  while (!done) {
    const t = token.exec(expr);
    if (!t) {
      ok = false;
      break;
    }
    const p = t[1];
    if (p.startsWith('"')) value += JSON.parse(p);
    else if (p.startsWith('`')) value += p.slice(1, -1);
    else if (p in out) value += out[p];
    else if (p in known) value += known[p];
    else {
      ok = false;
      break;
    }
    done = t[2] === '';
  }
  if (ok) out[m[1]] = value;
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
