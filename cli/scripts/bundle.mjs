// @roll/cli's build step after tsc (and before a pack): dist/main.js and its dependencies
// (yargs, chokidar…) in one file, dist/roll.bundle.mjs, which bin/roll.js runs: Node reads
// and links one module instead of some eighty (see docs/discussions/cli-internals.md).
// Left out: esbuild (it finds its binary from its own package), the framework (the app's
// copy), prompts (150 kB that only roll create loads), and dev/standby.js, which
// bin/roll.js has loaded already: the bundle must share that module and its early worker.
// A bundle already right is only touched (bin/roll.js takes a bundle older than the last
// tsc build for a stale one), and a new one is renamed into place, so two packs at once
// never read a half-written file.
//   node scripts/bundle.mjs
import { build } from 'esbuild'
import { readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../', import.meta.url))
const dist = `${cli}dist/`
const outfile = `${dist}roll.bundle.mjs`
const standby = { name: 'standby', setup: (b) => b.onResolve({ filter: /\/standby\.js$/ }, () => ({ path: './dev/standby.js', external: true })) }
// string-width makes an Intl.Segmenter and Unicode-property regexes as it loads: about 25 ms
// of every start, for --help and yargs' messages only. Each copy (yargs, cliui and wrap-ansi
// have their own) is imported as a function that require()s it at its first call, and a
// require()d module, esbuild evaluates then. The path named is relative: it is printed in the bundle.
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, ({ kind, resolveDir }) =>
      kind === 'require-call' ? undefined : { path: relative(cli, resolveDir), namespace: 'lazy-string-width' })
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, ({ path }) => ({
      contents: "export default (text, options) => require('string-width').default(text, options)",
      resolveDir: resolve(cli, path),
      loader: 'js',
    }))
  },
}

const { outputFiles } = await build({
  entryPoints: [`${dist}main.js`],
  outfile,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['esbuild', 'prompts', '@roll/framework', '@roll/framework/*'],
  plugins: [standby, lazyStringWidth],
  // The CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __rollCreateRequire } from 'node:module'; const require = __rollCreateRequire(import.meta.url);" },
  legalComments: 'eof', // the bundled packages' license notices stay with their code
  logLevel: 'warning',
})
const contents = outputFiles[0].contents
let current
try {
  current = readFileSync(outfile)
} catch {}
if (current?.equals(contents)) {
  const now = new Date()
  utimesSync(outfile, now, now)
} else {
  writeFileSync(`${outfile}.${process.pid}`, contents)
  renameSync(`${outfile}.${process.pid}`, outfile)
}
