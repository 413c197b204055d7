// Preloaded (`node --require`) into a Pulumi runner that registers ts-node (cmd/run-policy-pack):
// registers ts-node with the options the runner passes, transpile-only, and keeps a record of
// those options and of every file ts-node compiles, as JSON ({ options, compiled }), in the file
// named by TS_NODE_REGISTER_RECORD.
//
// The runner asks ts-node to type-check every file it loads, with the tsconfig.json of its
// directory: policies/tsconfig.json, whose options equal the root tsconfig.json's (asserted by
// policies/pack.grpc.test.ts), and `npm run check` type-checks every one of those files with the
// root options already. Checking them again cost the pack test about 7 s of CPU of its 11 s.
// The test asserts the recorded options instead: type checking asked for, the project file found.
'use strict';
const fs = require('node:fs');
const { createRequire } = require('node:module');

const record = process.env.TS_NODE_REGISTER_RECORD;
if (record === undefined) throw new Error('ts-node-transpile-only.cjs: set TS_NODE_REGISTER_RECORD to the file for the options');

// The ts-node the runner loads: the one the SDK's tsutils picks (its vendored 7.0.1 unless ts-node is installed),
// loaded from the SDK as the runner loads it, so the runner's require returns this same module.
const fromSdk = createRequire(require.resolve('@pulumi/pulumi/tsutils', { paths: [process.cwd()] }));
const { tsnodeRequire } = fromSdk('@pulumi/pulumi/tsutils').typeScriptRequireStrings();
const tsNode = fromSdk(tsnodeRequire);
const register = tsNode.register;
tsNode.register = (options) => {
  const compiled = [];
  const write = () => fs.writeFileSync(record, JSON.stringify({ options, compiled }));
  write();
  const service = register({ ...options, typeCheck: false, transpileOnly: true });
  // ts-node's require hook reads `compile` from this object on each file.
  const compile = service.compile;
  service.compile = (code, fileName) => {
    compiled.push(fileName);
    write();
    return compile(code, fileName);
  };
  return service;
};
