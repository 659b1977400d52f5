// The esbuild options shared by roll dev and roll build, and how build errors are printed.
import type { BuildOptions, Message, Metafile } from 'esbuild'
import { createRequire } from 'node:module'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * esbuild, loaded when a command first needs it (roll start and roll create do without).
 * Required, not imported: it is CommonJS, and `import()` first scans its 100 kB for the
 * names it exports (about 20 ms of roll dev's start).
 */
export const loadEsbuild = () => createRequire(import.meta.url)('esbuild') as typeof import('esbuild')

// Both commands bundle the same way: Node 20, ESM, TypeScript through esbuild (no type
// check: that is tsc's job), esbuild's own log silenced so errors go through formatErrors.
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'silent',
  metafile: true,
}

/**
 * Options of the dev bundle: the entry alone, dependencies left external (the worker
 * imports them from node_modules), an inline source map so stack traces point at the
 * TypeScript lines. Nothing is written: roll dev writes each version under its own name.
 */
export function devBuildOptions(root: string, entry: string, outfile: string): BuildOptions {
  return { ...common, absWorkingDir: root, entryPoints: [entry], outfile, packages: 'external', sourcemap: 'inline', write: false }
}

/** What `roll build` was asked for. */
export interface ProductionBuild {
  root: string
  entry: string
  outfile: string
  external: string[]
  minify: boolean
}

const bootstrap = fileURLToPath(new URL('./server/bootstrap.js', import.meta.url))

// Bundled CommonJS dependencies call require() for Node's built-ins; an ES module has no
// require, so the bundle gets one (https://github.com/evanw/esbuild/issues/1921).
const requireShim = "import { createRequire as __rollCreateRequire } from 'node:module'; const require = __rollCreateRequire(import.meta.url);"

/**
 * Options of the production bundle: a small entry that hands the app's module and the
 * app's own `serve` to the server bootstrap, dependencies bundled (but `external`),
 * minified, with a linked external source map.
 */
export function productionBuildOptions({ root, entry, outfile, external, minify }: ProductionBuild): BuildOptions {
  const importPath = (file: string) => JSON.stringify(file.split('\\').join('/'))
  return {
    ...common,
    absWorkingDir: root,
    stdin: {
      contents: [
        `import * as app from ${importPath(entry)}`,
        `import { serve } from '@roll/framework'`,
        `import { run } from ${importPath(bootstrap)}`,
        `await run(app, serve, ${JSON.stringify(relative(root, entry))})`,
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'roll-server.js',
      loader: 'js',
    },
    outfile,
    external,
    minify,
    sourcemap: 'linked',
    banner: { js: requireShim },
    legalComments: 'none',
    write: true,
  }
}

/** The error messages of a failed build, formatted as esbuild does: file:line:column and a code frame. */
export async function formatErrors(messages: Message[], color: boolean): Promise<string> {
  const { formatMessages } = loadEsbuild()
  const formatted = await formatMessages(messages, { kind: 'error', color, terminalWidth: process.stderr.columns })
  return formatted.join('').trimEnd()
}

/** The errors of a failed esbuild call, or undefined when it failed for another reason. */
export function buildErrors(error: unknown): Message[] | undefined {
  const errors = (error as { errors?: unknown })?.errors
  return Array.isArray(errors) && errors.length > 0 ? (errors as Message[]) : undefined
}

/** The packages (and built-ins) the bundle imports at run time, from esbuild's metafile. */
export function externalImports(metafile: Metafile): string[] {
  const imports = new Set<string>()
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external, kind } of output.imports) if (external && kind === 'import-statement') imports.add(path)
  }
  return [...imports].sort()
}

/** The source files (outside node_modules) a bundle was built from, relative to the root. */
export function sourceInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((file) => !file.split(/[\\/]/).includes('node_modules') && !file.startsWith('<'))
}
