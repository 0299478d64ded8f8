// Lets a test start the real web and worker processes from the TypeScript sources (no build
// needed): `node -r ./test/helpers/ts-register.js src/server.ts`. Same compiler as Jest (swc).
/* eslint-disable @typescript-eslint/no-require-imports -- a require hook is CommonJS by nature */
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
