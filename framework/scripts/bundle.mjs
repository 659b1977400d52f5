// @roll/framework's build step after tsc (which writes only the declarations): the four
// entry points of package.json's "exports", bundled by esbuild from src/ into dist/, with
// the code they share in dist/chunks/ so that each class (Roll, HttpError…) exists once.
// Node reads each ES module file through a FileHandle, an EventEmitter; a process that
// loads many of them makes EventEmitter.init megamorphic, and every request pays it
// (about 1,000 instructions, docs/discussions/decisions.md, "Third pass"). A few files
// instead of some thirty also import faster. The dependencies stay packages of their own.
//   node scripts/bundle.mjs
import { build } from 'esbuild'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const framework = fileURLToPath(new URL('../', import.meta.url))
const dist = join(framework, 'dist')
// The entry points are the package's "exports": ./dist/extensions/index.js ← src/extensions/index.ts.
const { exports } = JSON.parse(readFileSync(join(framework, 'package.json'), 'utf8'))
const entryPoints = Object.values(exports).map(({ default: built }) => join(framework, built.replace(/^\.\/dist\/(.*)\.js$/, 'src/$1.ts')))

// What an earlier build wrote (one .js per source file, older chunks) would be shipped too.
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && /\.js(\.map)?$/.test(entry.name)) rmSync(join(entry.parentPath ?? entry.path, entry.name))
}

await build({
  entryPoints,
  outbase: join(framework, 'src'),
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  sourcesContent: false, // the package ships src/, which the maps point to
  logLevel: 'warning',
})
