// What each package puts in its tarball (`npm pack --dry-run`): what a user needs and
// nothing else. A file that appears or goes missing fails here; update the list on purpose.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
interface Packed { name: string; files: { path: string }[] }
const packed: Packed[] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--workspaces'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
const files = (name: string) => packed.find((pack) => pack.name === name)!.files.map((file) => file.path).sort()
// Built files come beside their source (.js, .d.ts and their maps): list them by stem. The
// framework's chunks (esbuild's, named by a hash) as one line.
const outline = (name: string) => [...new Set(files(name).map((file) => file
  .replace(/^dist\/chunks\/.*$/, 'dist/chunks/*')
  .replace(/^dist\/(.*?)(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/, 'dist/$1.*')
  .replace(/^src\/.*\.ts$/, 'src/**.ts')))]
const manifest = (folder: string) => JSON.parse(readFileSync(`${root}${folder}/package.json`, 'utf8'))

describe.each([
  ['@roll/framework', 'framework'],
  ['@roll/cli', 'cli'],
  ['create-roll', 'cli/create-roll'],
  ['@roll/redis', 'redis'],
])('%s', (name, folder) => {
  test('ships README, LICENSE and package.json, and never tests, build state or secrets', () => {
    expect(files(name)).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']))
    // The templates are apps, with their own tests; nothing else ships a test.
    const own = files(name).filter((file) => !file.startsWith('templates/'))
    expect(own.filter((file) => /(^|\/)(test|node_modules)\/|\.test\.|tsbuildinfo|(^|\/)\.env/.test(file))).toEqual([])
    const templates = files(name).filter((file) => file.startsWith('templates/'))
    expect(templates.filter((file) => /\/(node_modules|dist)\/|\/\.|package-lock\.json$/.test(file))).toEqual([])
  })

  test('depends on nothing a registry cannot serve', () => {
    const pkg = manifest(folder)
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, spec] of Object.entries<string>(pkg[field] ?? {})) expect(spec, `${folder} ${field}.${dep}`).toMatch(/^[\^~]?\d/)
    }
  })

  test('gives every built module its types and source map, and no stale one (a dist file whose source is gone)', () => {
    const js = files(name).filter((file) => file.startsWith('dist/') && file.endsWith('.js'))
    for (const file of js) {
      expect(files(name)).toContain(`${file}.map`)
      // The framework's chunks hold the code its entry points share: no types or source of their own.
      if (file.startsWith('dist/chunks/')) continue
      expect(files(name)).toContain(file.replace(/\.js$/, '.d.ts'))
      expect(existsSync(`${root}${folder}/${file.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')}`), `${folder}/${file} has no source: delete ${folder}/dist and build again`).toBe(true)
    }
  })

  test('has the metadata npm publish keeps as written: bin paths without ./, a normalised repository, engines, exports or bin', () => {
    const pkg = manifest(folder)
    for (const path of Object.values<string>(pkg.bin ?? {})) expect(path).not.toMatch(/^\.\//)
    expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/), directory: folder })
    expect(pkg.engines).toEqual({ node: '>=20' })
    expect(pkg.license).toBe('MIT')
    expect(pkg.exports ?? pkg.bin).toBeDefined()
  })
})

test('@roll/framework ships these files', () => {
  expect(outline('@roll/framework')).toMatchInlineSnapshot(`
    [
      "LICENSE",
      "README.md",
      "dist/app.*",
      "dist/chunks/*",
      "dist/cookies.*",
      "dist/errors.*",
      "dist/extensions/content-negotiation.*",
      "dist/extensions/cors.*",
      "dist/extensions/igniter.*",
      "dist/extensions/index.*",
      "dist/extensions/logger.*",
      "dist/extensions/named-url.*",
      "dist/extensions/options.*",
      "dist/extensions/pubsub-cluster.*",
      "dist/extensions/pubsub.*",
      "dist/extensions/simple-server.*",
      "dist/extensions/static-files.*",
      "dist/extensions/traceback.*",
      "dist/extensions/websockets-store.*",
      "dist/index.*",
      "dist/multidict.*",
      "dist/multipart.*",
      "dist/request.*",
      "dist/response.*",
      "dist/route-path.*",
      "dist/route-segment.*",
      "dist/router.*",
      "dist/server.*",
      "dist/testing-websocket.*",
      "dist/testing.*",
      "dist/types.*",
      "dist/websocket-connection.*",
      "dist/websocket.*",
      "dist/wire.*",
      "package.json",
      "src/**.ts",
    ]
  `)
})

test('@roll/cli ships these files', () => {
  expect(outline('@roll/cli')).toMatchInlineSnapshot(`
    [
      "LICENSE",
      "README.md",
      "bin/roll.js",
      "dist/app-module.*",
      "dist/bundle.*",
      "dist/command-line.*",
      "dist/commands/build.*",
      "dist/commands/create.*",
      "dist/commands/dev.*",
      "dist/commands/start.*",
      "dist/dev-worker/app-stack.*",
      "dist/dev-worker/dev-pages.*",
      "dist/dev-worker/worker.*",
      "dist/dev/bundle-folder.*",
      "dist/dev/protocol.*",
      "dist/dev/restart-loop.*",
      "dist/dev/session.*",
      "dist/dev/standby.*",
      "dist/dev/supervisor.*",
      "dist/entry.*",
      "dist/env-file.*",
      "dist/errors.*",
      "dist/index.*",
      "dist/log.*",
      "dist/main.*",
      "dist/roll.bundle.mjs",
      "dist/scaffold.*",
      "dist/server/bootstrap.*",
      "dist/server/start-protocol.*",
      "dist/template-files.*",
      "package.json",
      "src/**.ts",
      "templates/auth/Dockerfile",
      "templates/auth/README.md",
      "templates/auth/_env.example",
      "templates/auth/_gitignore",
      "templates/auth/package.json",
      "templates/auth/src/app.ts",
      "templates/auth/src/auth.ts",
      "templates/auth/src/home.ts",
      "templates/auth/src/main.ts",
      "templates/auth/test/app.test.ts",
      "templates/auth/tsconfig.json",
      "templates/basic/Dockerfile",
      "templates/basic/README.md",
      "templates/basic/_gitignore",
      "templates/basic/package.json",
      "templates/basic/src/app.ts",
      "templates/basic/src/home.ts",
      "templates/basic/src/main.ts",
      "templates/basic/test/app.test.ts",
      "templates/basic/tsconfig.json",
      "templates/custom-query/Dockerfile",
      "templates/custom-query/README.md",
      "templates/custom-query/_gitignore",
      "templates/custom-query/package.json",
      "templates/custom-query/src/app.ts",
      "templates/custom-query/src/home.ts",
      "templates/custom-query/src/main.ts",
      "templates/custom-query/test/app.test.ts",
      "templates/custom-query/tsconfig.json",
      "templates/websocket-keepalive/Dockerfile",
      "templates/websocket-keepalive/README.md",
      "templates/websocket-keepalive/_gitignore",
      "templates/websocket-keepalive/package.json",
      "templates/websocket-keepalive/public/index.html",
      "templates/websocket-keepalive/src/app.ts",
      "templates/websocket-keepalive/src/home.ts",
      "templates/websocket-keepalive/src/main.ts",
      "templates/websocket-keepalive/test/app.test.ts",
      "templates/websocket-keepalive/tsconfig.json",
    ]
  `)
})

test('create-roll ships these files', () => {
  expect(outline('create-roll')).toMatchInlineSnapshot(`
    [
      "LICENSE",
      "README.md",
      "bin/create-roll.js",
      "package.json",
    ]
  `)
})

test('@roll/redis ships these files', () => {
  expect(outline('@roll/redis')).toMatchInlineSnapshot(`
    [
      "LICENSE",
      "README.md",
      "dist/connection.*",
      "dist/envelope.*",
      "dist/index.*",
      "dist/transport.*",
      "dist/url.*",
      "package.json",
      "src/**.ts",
    ]
  `)
})
