// The esbuild options of roll dev and roll build, how build errors are printed, and what a
// bundle's metafile says: the options checked whole, then used by esbuild on a small app.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { BuildResult, Message, Metafile } from 'esbuild'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { removeTemps, repoRoot, tempDir } from '../../test/helpers/create.js'

// Imported afresh for each test: the options shared by both bundles are made when the module
// loads, and a mutant of them is only seen by a load made under the test.
let { buildErrors, devBuildOptions, externalImports, formatErrors, productionBuildOptions, sourceInputs } = await import('../src/bundle.js')

beforeEach(async () => {
  vi.resetModules()
  ;({ buildErrors, devBuildOptions, externalImports, formatErrors, productionBuildOptions, sourceInputs } = await import('../src/bundle.js'))
})

afterEach(removeTemps)

const bootstrap = fileURLToPath(new URL('../src/server/bootstrap.js', import.meta.url))
const requireShim = "import { createRequire as __rollCreateRequire } from 'node:module'; const require = __rollCreateRequire(import.meta.url);"

function app(files: Record<string, string>): string {
  const root = tempDir('roll-bundle-')
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), content)
  }
  return root
}

describe('devBuildOptions', () => {
  it('bundles the entry alone for Node 20 as ESM, packages external, inline map, nothing written', () => {
    expect(devBuildOptions('/app', '/app/src/app.ts', '/app/node_modules/.roll/dev-1/app.mjs')).toEqual({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      metafile: true,
      absWorkingDir: '/app',
      entryPoints: ['/app/src/app.ts'],
      outfile: '/app/node_modules/.roll/dev-1/app.mjs',
      packages: 'external',
      sourcemap: 'inline',
      write: false,
    })
  })

  it('builds a TypeScript app into a module that imports, its packages left as imports', async () => {
    const root = app({
      'src/app.ts': "import { greeting } from './greeting.js'\nimport dep from 'some-dep'\nexport const app = { route: (): string => greeting, dispatch: () => dep }\n",
      'src/greeting.ts': "export const greeting: string = 'hello'\n",
      'node_modules/some-dep/package.json': '{"name":"some-dep","type":"module","main":"index.js"}',
      'node_modules/some-dep/index.js': 'export default 42\n',
    })
    const { build } = await import('esbuild')
    const outfile = path.join(root, 'node_modules/.roll/app.mjs')
    const result = (await build(devBuildOptions(root, path.join(root, 'src/app.ts'), outfile))) as BuildResult
    expect(result.outputFiles).toHaveLength(1)
    const code = result.outputFiles![0]!.text
    expect(code).toContain('import dep from "some-dep"')
    expect(code).toContain('//# sourceMappingURL=data:application/json;base64,')
    expect(code).not.toContain(': string')
    expect(sourceInputs(result.metafile!).sort()).toEqual(['src/app.ts', 'src/greeting.ts'])
    expect(externalImports(result.metafile!)).toEqual(['some-dep'])
    // The bundle runs where roll dev puts it: inside node_modules, its imports resolving from the app.
    mkdirSync(path.dirname(outfile), { recursive: true })
    writeFileSync(outfile, result.outputFiles![0]!.contents)
    const module = await import(pathToFileURL(outfile).href)
    expect(module.app.route()).toBe('hello')
    expect(module.app.dispatch()).toBe(42)
  })
})

describe('productionBuildOptions', () => {
  it('bundles a small entry that hands the app and serve to the bootstrap, minified, with a linked map and a require shim', () => {
    const options = productionBuildOptions({ root: '/app', entry: '/app/src/app.ts', outfile: '/app/dist/server.mjs', external: ['sharp'], minify: true })
    expect(options).toEqual({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      metafile: true,
      absWorkingDir: '/app',
      stdin: {
        contents: [
          'import * as app from "/app/src/app.ts"',
          "import { serve } from '@roll/framework'",
          `import { run } from ${JSON.stringify(bootstrap)}`,
          'await run(app, serve, "src/app.ts")',
        ].join('\n'),
        resolveDir: '/app',
        sourcefile: 'roll-server.js',
        loader: 'js',
      },
      outfile: '/app/dist/server.mjs',
      external: ['sharp'],
      minify: true,
      sourcemap: 'linked',
      banner: { js: requireShim },
      legalComments: 'none',
      write: true,
    })
  })

  it('imports Windows paths with forward slashes, and passes minify: false on', () => {
    const options = productionBuildOptions({ root: 'C:\\app', entry: 'C:\\app\\src\\app.ts', outfile: 'C:\\app\\dist\\server.mjs', external: [], minify: false })
    expect(options.stdin!.contents).toContain('import * as app from "C:/app/src/app.ts"\n')
    expect(options.minify).toBe(false)
    expect(options.external).toEqual([])
  })

  it('writes a bundle that bundles its dependencies but the external ones, with a map and the require shim', async () => {
    const root = app({
      'src/app.ts': "import { name } from 'bundled-dep'\nimport 'left-out'\nexport const app = { route: () => name, dispatch: () => undefined }\n",
      'node_modules/bundled-dep/package.json': '{"name":"bundled-dep","main":"index.js"}',
      'node_modules/bundled-dep/index.js': "exports.name = require('node:path').sep === '/' ? 'posix-dep' : 'win-dep'\n",
      'node_modules/left-out/package.json': '{"name":"left-out","main":"index.js"}',
      'node_modules/left-out/index.js': '',
    })
    mkdirSync(path.join(root, 'node_modules/@roll'), { recursive: true })
    symlinkSync(path.join(repoRoot, 'framework'), path.join(root, 'node_modules/@roll/framework'), 'dir')
    const { build } = await import('esbuild')
    const outfile = path.join(root, 'dist/server.mjs')
    const result = (await build(productionBuildOptions({ root, entry: path.join(root, 'src/app.ts'), outfile, external: ['left-out'], minify: false }))) as BuildResult & { metafile: Metafile }
    const code = readFileSync(outfile, 'utf8')
    expect(code.startsWith(`${requireShim}\n`)).toBe(true)
    expect(code).toContain('posix-dep')
    expect(code).toContain('import "left-out"')
    expect(code).toContain('//# sourceMappingURL=server.mjs.map')
    expect(JSON.parse(readFileSync(`${outfile}.map`, 'utf8')).sources).toContain('../src/app.ts')
    expect(externalImports(result.metafile)).toEqual(expect.arrayContaining(['left-out', 'node:cluster']))
    expect(externalImports(result.metafile)).not.toContain('bundled-dep')
    expect(sourceInputs(result.metafile)).toEqual(expect.arrayContaining(['src/app.ts', 'roll-server.js']))
    expect(sourceInputs(result.metafile).some((file) => file.includes('node_modules'))).toBe(false)
  })
})

const syntaxError: Message = {
  id: '',
  pluginName: '',
  text: 'Expected ";" but found "}"',
  location: { file: 'src/app.ts', namespace: 'file', line: 2, column: 10, length: 1, lineText: 'const a = }', suggestion: '' },
  notes: [],
  detail: undefined,
}

describe('formatErrors', () => {
  it('formats errors as esbuild prints them, without the trailing blank lines', async () => {
    expect(await formatErrors([syntaxError], false)).toBe(
      '✘ [ERROR] Expected ";" but found "}"\n\n    src/app.ts:2:10:\n      2 │ const a = }\n        ╵           ^',
    )
  })

  it('joins several errors and colours them when asked', async () => {
    const plain = await formatErrors([syntaxError, { ...syntaxError, text: 'Second' }], false)
    expect(plain).toContain('✘ [ERROR] Expected ";" but found "}"\n\n')
    expect(plain).toMatch(/\^\n\n✘ \[ERROR\] Second\n\n/)
    const coloured = await formatErrors([syntaxError], true)
    expect(coloured).toContain('\u001b[31m✘ ')
    expect(coloured.endsWith('\u001b[0m')).toBe(true)
  })

  it('fits the code frame to the width of stderr', async () => {
    const long: Message = { ...syntaxError, location: { ...syntaxError.location!, column: 90, lineText: `const a = ${'x'.repeat(80)} }` } }
    const columns = process.stderr.columns
    try {
      process.stderr.columns = 40
      const narrow = await formatErrors([long], false)
      expect(narrow).toContain('2 │ ...xxxxxxxxxxxxxxxxxxxxxxxxx }\n')
      expect(narrow.split('\n').every((line) => line.length <= 40)).toBe(true)
    } finally {
      process.stderr.columns = columns
    }
  })
})

describe('buildErrors', () => {
  it('returns the errors of a failed esbuild call', () => {
    const errors = [syntaxError]
    expect(buildErrors(Object.assign(new Error('Build failed with 1 error'), { errors }))).toBe(errors)
  })

  it.each([
    ['an error without errors', new Error('boom')],
    ['an empty errors list', Object.assign(new Error('x'), { errors: [] })],
    ['errors that are not a list', { errors: 'many' }],
    ['undefined', undefined],
    ['null', null],
    ['a string', 'failed'],
  ])('is undefined for %s', (_, error) => {
    expect(buildErrors(error)).toBeUndefined()
  })

  it('returns the errors esbuild throws on a broken file', async () => {
    const root = app({ 'src/app.ts': 'export const a = }\n' })
    const { build } = await import('esbuild')
    const problem = await build(devBuildOptions(root, path.join(root, 'src/app.ts'), path.join(root, 'out.mjs'))).catch((error: unknown) => error)
    const errors = buildErrors(problem)!
    expect(errors).toHaveLength(1)
    expect(errors[0]!.text).toBe('Unexpected "}"')
    expect(await formatErrors(errors, false)).toBe('✘ [ERROR] Unexpected "}"\n\n    src/app.ts:1:17:\n      1 │ export const a = }\n        ╵                  ^')
  })
})

const output = (imports: Metafile['outputs'][string]['imports']) => ({ imports, exports: [], inputs: {}, bytes: 0 })

describe('externalImports', () => {
  it('lists the external import statements of every output once, sorted', () => {
    const metafile: Metafile = {
      inputs: {},
      outputs: {
        'a.mjs': output([
          { path: 'zod', kind: 'import-statement', external: true },
          { path: 'node:fs', kind: 'import-statement', external: true },
          { path: 'src/local.ts', kind: 'import-statement' },
          { path: 'lazy', kind: 'dynamic-import', external: true },
          { path: 'cjs', kind: 'require-call', external: true },
          { path: 'not-external', kind: 'import-statement', external: false },
        ]),
        'a.mjs.map': output([]),
        'b.mjs': output([
          { path: 'zod', kind: 'import-statement', external: true },
          { path: 'ajv', kind: 'import-statement', external: true },
        ]),
      },
    }
    expect(externalImports(metafile)).toEqual(['ajv', 'node:fs', 'zod'])
  })

  it('is empty for no outputs', () => {
    expect(externalImports({ inputs: {}, outputs: {} })).toEqual([])
  })
})

describe('sourceInputs', () => {
  it('keeps the source files, not those in node_modules (either separator) or esbuild\'s virtual ones', () => {
    const input = { bytes: 0, imports: [] }
    const metafile: Metafile = {
      outputs: {},
      inputs: {
        'src/app.ts': input,
        '../shared/util.ts': input,
        'node_modules/zod/index.js': input,
        '../node_modules/x/y.js': input,
        'node_modules\\win\\index.js': input,
        'src/node_modules_not/a.ts': input,
        '<stdin>': input,
        '<define:process.env>': input,
        'roll-server.js': input,
      },
    }
    expect(sourceInputs(metafile)).toEqual(['src/app.ts', '../shared/util.ts', 'src/node_modules_not/a.ts', 'roll-server.js'])
  })
})
