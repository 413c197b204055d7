// @ts-check
// What the scripts/extract-*-facts.js scripts share: reading an upstream file at a commit from a
// git dir (bare is fine), and taking a fact out of it or failing with what was not found.
const { execFileSync } = require('node:child_process');

/** `git --git-dir=<gitDir> <args...>`, its output. @param {string} gitDir @param {...string} args @returns {string} */
function git(gitDir, ...args) {
  return execFileSync('git', [`--git-dir=${gitDir}`, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The first group of `re` in `text`, or an error naming `what`. @param {string} text @param {RegExp} re @param {string} what @returns {string} */
function must(text, re, what) {
  const m = re.exec(text);
  if (m === null) throw new Error(`not found: ${what}`);
  return m[1];
}

module.exports = { git, must };
