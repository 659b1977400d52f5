// roll build in the test process: the command's options, the bundle it writes from a small
// app in a temp folder, the size table it prints, and how it fails.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Argv } from 'yargs'
import { removeTemps, repoRoot, tempDir } from '../../test/helpers/create.js'

const ttys = { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY }
let out: string[]
let err: string[]
let logged: string[]
let errors: unknown[][]

beforeEach(() => {
  process.stdout.isTTY = false
  process.stderr.isTTY = false
  out = []
  err = []
  logged = []
  errors = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true))
  vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args))
})

afterEach(() => {
  vi.restoreAllMocks()
  vi.doUnmock('../src/bundle.js')
  vi.resetModules()
  process.stdout.isTTY = ttys.stdout
  process.stderr.isTTY = ttys.stderr
  process.exitCode = undefined
  removeTemps()
})

// A small app: its package.json, a source file, a CommonJS dependency and @roll/framework (this checkout's).
function app(files: Record<string, string> = {}): string {
  const root = tempDir('roll-build-')
  const all: Record<string, string> = {
    'package.json': '{"name":"tiny-app","type":"module"}',
    'src/app.ts': "import { Roll } from '@roll/framework'\nimport { shout } from 'shouty'\nexport const app = new Roll()\napp.route('/', () => shout('hi'))\n",
    'node_modules/shouty/package.json': '{"name":"shouty","main":"index.js"}',
    'node_modules/shouty/index.js': "exports.shout = (text) => text.toUpperCase() + require('node:os').EOL.trim()\n",
    ...files,
  }
  for (const [file, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), content)
  }
  mkdirSync(path.join(root, 'node_modules/@roll'), { recursive: true })
  symlinkSync(path.join(repoRoot, 'framework'), path.join(root, 'node_modules/@roll/framework'), 'dir')
  return root
}

// The command, imported afresh in each test: its module-level values (the command
// module, the size formatter) are then built under the test, where a mutant can reach them.
async function freshBuild() {
  vi.resetModules()
  const { build } = await import('../src/commands/build.js')
  const { runCommandLine } = await import('../src/command-line.js')
  return { build, runCommandLine }
}

// `roll build args` in `root`, through yargs as the bin runs it; resolves to the exit code.
async function rollBuild(root: string, args: string[] = []): Promise<number> {
  const { build, runCommandLine } = await freshBuild()
  vi.spyOn(process, 'cwd').mockReturnValue(root)
  return runCommandLine('roll', ['build', ...args], (cli: Argv) => cli.command(build))
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`

describe('roll build', () => {
  it('is the build command, described', async () => {
    const { build } = await freshBuild()
    expect(build.command).toBe('build')
    expect(build.describe).toBe('Bundle the app and its server into one file, dist/server.mjs (run it with node or roll start)')
  })

  it('writes dist/server.mjs minified with its map, and prints the time, a size table and how to run it', async () => {
    const root = app()
    expect(await rollBuild(root)).toBe(0)
    expect(errors).toEqual([])
    const bundle = readFileSync(path.join(root, 'dist/server.mjs'))
    const map = readFileSync(path.join(root, 'dist/server.mjs.map'))
    const code = bundle.toString()
    // Minified: a few long lines; the CommonJS dependency bundled, its require() served by the shim.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000)
    expect(code).toContain('toUpperCase()')
    expect(code).not.toMatch(/from\s*["']shouty["']/)
    expect(code).toMatch(/\/\/# sourceMappingURL=server\.mjs\.map\n$/)
    expect(out.join('')).toMatch(/^\[roll\] built src\/app\.ts in \d+ ms\n$/)
    // The table: a header, the bundle, the bundle's bytes by package right under it (largest
    // first, indented), then the map.
    const table = logged.slice(0, -1)
    const rows = table.map((line) => line.trim().split(/ {2,}/))
    expect(rows[0]).toEqual(['file', 'size', 'gzip'])
    expect(rows[1]).toEqual([path.join('dist', 'server.mjs'), kB(bundle.length), kB(gzipSync(bundle).length)])
    expect(rows.at(-1)).toEqual([path.join('dist', 'server.mjs.map'), kB(map.length)])
    expect(rows[2]).toEqual(['by package:'])
    const packageRows = rows.slice(3, -1)
    const packages = packageRows.map((row) => row[0])
    // The framework's own dependencies outweigh this app's.
    expect(packages).toHaveLength(6)
    expect(new Set(packages).size).toBe(6)
    expect(packages).toEqual(expect.arrayContaining(['@roll/framework', '@roll/cli']))
    const sizes = packageRows.map((row) => Number(row[1]!.replace(' kB', '')))
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes)
    expect(packageRows.every((row) => row.length === 2)).toBe(true)
    // Columns line up: the first padded at the end, the others at the start, two spaces apart.
    const cells = table.map((line) => {
      const row = line.trim().split(/ {2,}/)
      if (line.startsWith('  ')) row[0] = `${line.match(/^ */)![0]}${row[0]}`
      while (row.length < 3) row.push('')
      return row
    })
    const widths = [0, 1, 2].map((column) => Math.max(...cells.map((row) => row[column]!.length)))
    expect(table).toEqual(cells.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')))
    expect(table.slice(3, -1).every((line) => line.startsWith('    '))).toBe(true)
    expect(table.at(-1)!.startsWith('dist')).toBe(true)
    expect(logged.at(-1)).toBe('\nRun it: node dist/server.mjs (PORT, HOST from the environment) or roll start --workers auto')
  })

  it('keeps --external packages out, --no-minify keeps it readable, --outfile and --entry choose the files', async () => {
    const root = app({ 'lib/main.ts': "import { shout } from 'shouty'\nexport const app = { route: () => shout('x'), dispatch: () => undefined }\n" })
    expect(await rollBuild(root, ['--external', 'shouty', '--no-minify', '--outfile', 'out/app.mjs', '--entry', 'lib/main.ts'])).toBe(0)
    const code = readFileSync(path.join(root, 'out/app.mjs'), 'utf8')
    expect(code).toMatch(/from "shouty"/)
    expect(code).toContain('lib/main.ts')
    expect(code.split('\n').length).toBeGreaterThan(100)
    expect(out.join('')).toMatch(/^\[roll\] built lib\/main\.ts in \d+ ms\n$/)
    expect(logged.at(-1)).toBe('\nRun it: node out/app.mjs (PORT, HOST from the environment) or roll start --workers auto')
    expect(logged[1]).toMatch(/^out\/app\.mjs {2,}[\d.]+ kB {2,}[\d.]+ kB$/)
    expect(logged.some((line) => line.trim().startsWith('shouty'))).toBe(false)
  })

  it('says how long the build took, by the clock', async () => {
    const root = app()
    // A clock that stands still: the build takes 0 ms.
    vi.spyOn(performance, 'now').mockReturnValue(5_000.4)
    expect(await rollBuild(root)).toBe(0)
    expect(out).toEqual(['[roll] built src/app.ts in 0 ms\n'])
  })

  it('takes several --external packages', async () => {
    const root = app({ 'src/app.ts': "import 'shouty'\nimport 'other'\nexport const app = { route() {}, dispatch() {} }\n" })
    expect(await rollBuild(root, ['--external', 'shouty', 'other'])).toBe(0)
    const code = readFileSync(path.join(root, 'dist/server.mjs'), 'utf8')
    expect(code).toMatch(/import\s*"shouty"/)
    expect(code).toMatch(/import\s*"other"/)
  })

  it('bolds the commands to run on a terminal', async () => {
    vi.stubEnv('FORCE_COLOR', '1')
    vi.stubEnv('NO_COLOR', undefined)
    process.stdout.isTTY = true
    const root = app()
    try {
      expect(await rollBuild(root)).toBe(0)
    } finally {
      vi.unstubAllEnvs()
    }
    expect(logged.at(-1)).toBe('\nRun it: \u001b[1mnode dist/server.mjs\u001b[22m (PORT, HOST from the environment) or \u001b[1mroll start --workers auto\u001b[22m')
    expect(logged[0]).toBe(`\u001b[2m${logged[0]!.slice(4, -5)}\u001b[22m`)
    expect(logged[1]!.startsWith('\u001b')).toBe(false)
  })

  it('counts a file of a package without its own package.json under the package above, and an unnamed package as (app)', async () => {
    const root = app({
      'src/app.ts': "import 'nested/lib/deep/x.js'\nimport 'unnamed'\nexport const app = { route() {}, dispatch() {} }\n",
      'node_modules/nested/package.json': '{"name":"nested-pkg"}',
      'node_modules/nested/lib/deep/x.js': "globalThis.nested = 'n'.repeat(3)\n",
      'node_modules/unnamed/package.json': '{"main":"index.js"}',
      'node_modules/unnamed/index.js': "globalThis.unnamed = 'u'.repeat(2)\n",
      'package.json': '{"type":"module"}',
    })
    expect(await rollBuild(root, ['--no-minify', '--external', '@roll/framework'])).toBe(0)
    const packages = logged.slice(3, -2).map((line) => line.trim().split(/ {2,}/)[0])
    expect(packages.sort()).toEqual(['(app)', '@roll/cli', 'nested-pkg'])
    expect(packages).toContain('(app)')
    expect(packages).not.toContain('unnamed')
  })

  it('counts files outside any package as (app), and a loose file in node_modules as (app), not as the app', async () => {
    const root = app({
      'src/app.ts': "import 'loose/index.js'\nexport const app = { route() {}, dispatch() {} }\n",
      'node_modules/loose/index.js': "globalThis.loose = 'l'.repeat(5)\n",
    })
    expect(await rollBuild(root, ['--no-minify', '--external', '@roll/framework'])).toBe(0)
    const packages = logged.slice(3, -2).map((line) => line.trim().split(/ {2,}/)[0])
    expect(packages.sort()).toEqual(['(app)', '@roll/cli', 'tiny-app'])
  })

  it('counts an app without a package.json as (app)', async () => {
    const root = app({ 'src/app.ts': 'export const app = { route() {}, dispatch() {} }\n' })
    rmSync(path.join(root, 'package.json'))
    expect(await rollBuild(root, ['--no-minify', '--external', '@roll/framework'])).toBe(0)
    const packages = logged.slice(3, -2).map((line) => line.trim().split(/ {2,}/)[0])
    expect(packages.sort()).toEqual(['(app)', '@roll/cli'])
  })

  it('lists at most six packages', async () => {
    const deps = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
    const files: Record<string, string> = { 'src/app.ts': `${deps.map((name) => `import 'dep-${name}'`).join('\n')}\nexport const app = { route() {}, dispatch() {} }\n` }
    for (const [index, name] of deps.entries()) {
      files[`node_modules/dep-${name}/package.json`] = `{"name":"dep-${name}","main":"index.js"}`
      files[`node_modules/dep-${name}/index.js`] = `globalThis.${name} = '${'x'.repeat(100 * (index + 1))}'\n`
    }
    const root = app(files)
    expect(await rollBuild(root, ['--no-minify', '--external', '@roll/framework'])).toBe(0)
    const packages = logged.slice(3, -2).map((line) => line.trim().split(/ {2,}/)[0])
    expect(packages).toHaveLength(6)
    expect(packages).toEqual(['@roll/cli', 'dep-g', 'dep-f', 'dep-e', 'dep-d', 'dep-c'])
  })

  it('fails with esbuild\'s errors on stderr and one CliError line, "error" for one', async () => {
    const root = app({ 'src/app.ts': "import { missing } from './nowhere.js'\nexport const app = missing\n" })
    expect(await rollBuild(root)).toBe(1)
    expect(err.join('')).toBe(
      '✘ [ERROR] Could not resolve "./nowhere.js"\n\n    src/app.ts:1:24:\n      1 │ import { missing } from \'./nowhere.js\'\n        ╵                         ~~~~~~~~~~~~~~\n\n',
    )
    expect(errors).toEqual([['roll: Build failed with 1 error. Fix the code above and run roll build again.']])
    expect(out).toEqual([])
  })

  it('says "errors" for several', async () => {
    const root = app({ 'src/app.ts': "import './a.js'\nimport './b.js'\nexport const app = 1\n" })
    expect(await rollBuild(root)).toBe(1)
    expect(err.join('').match(/✘ \[ERROR\]/g)).toHaveLength(2)
    expect(errors).toEqual([['roll: Build failed with 2 errors. Fix the code above and run roll build again.']])
  })

  it('refuses a missing entry before building', async () => {
    const root = tempDir('roll-build-')
    expect(await rollBuild(root)).toBe(1)
    expect(errors).toEqual([[`roll: Cannot find the app's entry module ${path.join('src', 'app.ts')} (the default entry). Create it (it exports \`app\`), pass --entry <file>, or set "roll": { "entry": "<file>" } in package.json. Guide: https://roll-ts.github.io/roll/reference/cli#the-entry-module`]])
  })

  it('passes on an esbuild failure that is not a build error', async () => {
    const problem = new Error('The service was stopped')
    vi.doMock('../src/bundle.js', async (importOriginal) => {
      const bundle = await importOriginal<typeof import('../src/bundle.js')>()
      return { ...bundle, loadEsbuild: () => ({ ...bundle.loadEsbuild(), build: async () => { throw problem } }) }
    })
    vi.resetModules()
    const { build: mockedBuild } = await import('../src/commands/build.js')
    expect(mockedBuild.command).toBe('build')
    const root = app()
    vi.spyOn(process, 'cwd').mockReturnValue(root)
    await expect((mockedBuild.handler as (args: object) => Promise<void>)({ outfile: 'dist/server.mjs', external: [], minify: true })).rejects.toBe(problem)
    expect(err).toEqual([])
  })

  it('throws a CliError from the handler for a build error', async () => {
    const { build } = await freshBuild()
    const root = app({ 'src/app.ts': 'export const app = }\n' })
    vi.spyOn(process, 'cwd').mockReturnValue(root)
    const done = (build.handler as (args: object) => Promise<void>)({ outfile: 'dist/server.mjs', external: [], minify: true })
    await expect(done).rejects.toMatchObject({ name: 'CliError', message: 'Build failed with 1 error.', hint: 'Fix the code above and run roll build again.', exitCode: 1 })
  })
})
