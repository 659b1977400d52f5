// The prepack step that puts the templates into @roll/cli's tarball
// (cli/scripts/pack-templates.mjs), run on copies of the templates in temp folders.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { listTree, removeTemps, repoRoot, tempDir } from '../../test/helpers/create.js'

afterEach(removeTemps)

const script = path.join(repoRoot, 'cli/scripts/pack-templates.mjs')
const version = JSON.parse(readFileSync(path.join(repoRoot, 'cli/package.json'), 'utf8')).version
const pack = (from: string, to: string) =>
  promisify(execFile)(process.execPath, [script, from, to], { encoding: 'utf8', timeout: 30_000 }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

function templatesCopy(): string {
  const from = path.join(tempDir('roll-pack-from-'), 'templates')
  cpSync(path.join(repoRoot, 'templates'), from, { recursive: true, filter: (file) => !/node_modules|dist/.test(path.relative(repoRoot, file)) })
  return from
}

describe('pack-templates.mjs', () => {
  it('copies only what belongs to an app: no node_modules, dist, .env, lockfile or stray dotfile', async () => {
    const from = templatesCopy()
    const basic = path.join(from, 'basic')
    for (const file of ['node_modules/x/index.js', 'dist/server.mjs', 'src/node_modules/y.js', 'test/dist/z.js']) {
      mkdirSync(path.dirname(path.join(basic, file)), { recursive: true })
      writeFileSync(path.join(basic, file), '')
    }
    for (const file of ['.env', '.env.local', 'package-lock.json', 'notes.txt', '.DS_Store', 'src/.secret']) writeFileSync(path.join(basic, file), 'x')
    const to = path.join(tempDir(), 'templates')
    const { code } = await pack(from, to)
    expect(code).toBe(0)
    expect(listTree(path.join(to, 'basic'))).toEqual([
      'Dockerfile',
      'README.md',
      '_gitignore',
      'package.json',
      'src/',
      'src/app.ts',
      'src/home.ts',
      'src/main.ts',
      'test/',
      'test/app.test.ts',
      'tsconfig.json',
    ])
    expect(listTree(path.join(to, 'auth'))).toContain('_env.example')
  })

  it("stamps every template's @roll/* dependencies with the version being released, and keeps the rest", async () => {
    const from = templatesCopy()
    const manifest = (dir: string, name: string) => JSON.parse(readFileSync(path.join(dir, name, 'package.json'), 'utf8'))
    writeFileSync(path.join(from, 'basic/package.json'), JSON.stringify({ ...manifest(from, 'basic'), dependencies: { '@roll/framework': '^0.0.1' } }))
    const to = path.join(tempDir(), 'templates')
    expect((await pack(from, to)).code).toBe(0)
    for (const name of ['basic', 'websocket-keepalive', 'auth', 'custom-query']) {
      const packed = manifest(to, name)
      expect(packed.dependencies['@roll/framework']).toBe(`^${version}`)
      expect(packed.devDependencies['@roll/cli']).toBe(`^${version}`)
      expect(packed.devDependencies.vitest).toBe(manifest(path.join(repoRoot, 'templates'), name).devDependencies.vitest)
    }
  })

  it.each(['file:../x', 'link:../x', 'workspace:*', '../x', '/abs/x'])('fails, naming the template and the dependency, on a %s spec', async (spec) => {
    const from = templatesCopy()
    const file = path.join(from, 'auth/package.json')
    const manifest = JSON.parse(readFileSync(file, 'utf8'))
    writeFileSync(file, JSON.stringify({ ...manifest, devDependencies: { ...manifest.devDependencies, helper: spec } }))
    const { code, stderr } = await pack(from, path.join(tempDir(), 'templates'))
    expect(code).toBe(1)
    expect(stderr).toBe(
      '@roll/cli cannot be packed: a template depends on a path that only exists on this machine.\n' +
        `  templates/auth/package.json devDependencies.helper: ${spec}\n` +
        'Use a version range from the registry instead.\n',
    )
  })

  it('removes what a template no longer has from an earlier pack, and leaves files that are already right untouched', async () => {
    const from = templatesCopy()
    const to = path.join(tempDir(), 'templates')
    expect((await pack(from, to)).code).toBe(0)
    writeFileSync(path.join(to, 'basic/src/gone.ts'), '')
    const kept = path.join(to, 'basic/src/app.ts')
    const before = statSync(kept).mtimeMs
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect((await pack(from, to)).code).toBe(0)
    expect(listTree(path.join(to, 'basic'))).not.toContain('src/gone.ts')
    expect(statSync(kept).mtimeMs).toBe(before)
  })
})
