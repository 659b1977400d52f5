// The product as its users get it, through a real registry (verdaccio): the four packages
// publish from the workspace without npm rewriting their manifests; then every template is
// made with `npm create roll@latest`, installed, tested, built and served, and npx, pnpm,
// a terminal and misuse go through the same published packages. One registry for the
// whole file; every step is bounded.
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { listTree, removeTemps, repoRoot, run, tempDir, type RunResult } from './helpers/create.js'
import { startRegistry, type Registry } from './helpers/registry.js'
import { checkBuiltServer, TEMPLATE_CASES } from './helpers/template-checks.js'
import { TmuxSession } from './helpers/tmux.js'

let registry: Registry
let published: RunResult
const version: string = JSON.parse(readFileSync(path.join(repoRoot, 'cli/package.json'), 'utf8')).version
const pnpmBin = path.join(repoRoot, 'node_modules/.bin/pnpm')

/** Runs a command with the registry's environment; fails the test with its output unless `allowFailure`. */
async function sh(command: string, args: string[], cwd: string, timeout: number, allowFailure = false) {
  const result = await run(command, args, { cwd, env: registry.env, timeout })
  if (result.code !== 0 && !allowFailure) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`)
  return result
}
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'))

beforeAll(async () => {
  registry = await startRegistry()
  published = await run('npm', ['publish', '--workspaces', '--tag', 'latest'], { cwd: repoRoot, env: registry.env, timeout: 120_000 })
  if (published.code !== 0) throw new Error(`npm publish failed:\n${published.stdout}\n${published.stderr}`)
}, 180_000)
afterAll(async () => {
  removeTemps()
  await registry?.stop()
}, 15_000)

describe('npm publish --workspaces to a local registry', () => {
  test('publishes the four packages without npm correcting their package.json', () => {
    expect(published.stderr).not.toMatch(/auto-corrected|was invalid and removed|normalized/)
    for (const name of ['@roll/framework', '@roll/cli', 'create-roll', '@roll/redis']) expect(published.stdout).toMatch(new RegExp(`\\+ ${name}@${version.replace(/\./g, '\\.')}`))
  })

  test.each([
    ['@roll/cli', { roll: 'bin/roll.js' }],
    ['create-roll', { 'create-roll': 'bin/create-roll.js' }],
  ])('%s comes back from the registry with its bin and the version of the workspace', async (name, bin) => {
    const manifest = JSON.parse((await sh('npm', ['view', name, '--json'], repoRoot, 60_000)).stdout)
    expect(manifest.bin).toEqual(bin)
    expect(manifest.version).toBe(version)
  })

  test('@roll/redis comes back from the registry at the version of the workspace, on @roll/framework of the same release', async () => {
    const manifest = JSON.parse((await sh('npm', ['view', '@roll/redis', '--json'], repoRoot, 60_000)).stdout)
    expect(manifest.version).toBe(version)
    expect(manifest.dependencies).toEqual({ '@roll/framework': `^${version}`, redis: expect.stringMatching(/^\^\d/) })
  })

  test('proxies any other package to the upstream registry', async () => {
    const { stdout } = await sh('npm', ['view', 'is-number@7.0.0', 'name'], repoRoot, 60_000)
    expect(stdout.trim()).toBe('is-number')
  })
})

describe.each(TEMPLATE_CASES)('npm create roll@latest my-app -- --template $template', (templateCase) => {
  const { template } = templateCase
  let app: string

  test('scaffolds from the published package, with @roll/* at the release and dotfiles restored', async () => {
    const cwd = tempDir(`roll-registry-${template}-`)
    app = path.join(cwd, 'my-app')
    const { stdout } = await sh('npm', ['create', 'roll@latest', 'my-app', '--', '--template', template], cwd, 120_000)
    expect(stdout).toContain(`Created my-app from the ${template} template, with @roll/framework ^${version}:`)
    expect(stdout).toContain('Next steps:\n  cd my-app\n  npm install\n  npm run dev\n')
    const pkg = readJson(path.join(app, 'package.json'))
    expect(pkg.dependencies['@roll/framework']).toBe(`^${version}`)
    expect(pkg.devDependencies['@roll/cli']).toBe(`^${version}`)
    const files = listTree(app)
    expect(files).toContain('.gitignore')
    if (template === 'auth') expect(files).toContain('.env.example')
    expect(files.filter((file) => file.startsWith('_') || file.startsWith('node_modules'))).toEqual([])
  }, 130_000)

  test('installs @roll/* from the registry, as packages rather than links', async () => {
    await sh('npm', ['install'], app, 300_000)
    const framework = path.join(app, 'node_modules/@roll/framework')
    expect(lstatSync(framework).isSymbolicLink()).toBe(false)
    expect(readJson(path.join(framework, 'package.json')).version).toBe(version)
    expect(existsSync(path.join(app, 'node_modules/.bin/roll'))).toBe(true)
  }, 310_000)

  test('passes its own tests and type-checks', async () => {
    const { stdout } = await sh('npm', ['test'], app, 120_000)
    expect(stripVTControlCharacters(stdout)).toMatch(/Tests\s+\d+ passed/)
    await sh('npm', ['run', 'typecheck'], app, 120_000)
  }, 250_000)

  test('builds dist/server.mjs, which serves the main route', async () => {
    await sh('npm', ['run', 'build'], app, 120_000)
    await checkBuiltServer(app, templateCase)
  }, 180_000)

  if (template === 'basic') {
    test("the app's own roll prints the release's version, and refuses --link outside a checkout", async () => {
      expect((await sh('npx', ['roll', '--version'], app, 30_000)).stdout.trim()).toBe(version)
      const linked = await sh('npx', ['roll', 'create', 'linked', '-t', 'basic', '--link'], app, 30_000, true)
      expect(linked.code).toBe(1)
      expect(linked.stderr).toBe(
        'roll: --link links the app to a Roll checkout, and this roll was installed from a registry. ' +
          "Run the checkout's own bin, e.g. node path/to/roll/cli/bin/roll.js create my-app --link.\n",
      )
      expect(existsSync(path.join(app, 'linked'))).toBe(false)
    }, 70_000)
  }
})

describe('other ways in, through the same registry', () => {
  test('npx create-roll@latest', async () => {
    const cwd = tempDir('roll-npx-')
    const { stdout } = await sh('npx', ['--yes', 'create-roll@latest', 'npx-app', '--template', 'custom-query'], cwd, 120_000)
    expect(stdout).toContain(`with @roll/framework ^${version}:`)
    expect(listTree(path.join(cwd, 'npx-app'))).toEqual(expect.arrayContaining(['.gitignore', 'package.json', 'src/app.ts']))
    expect((await sh('npx', ['--yes', 'create-roll@latest', '--version'], cwd, 60_000)).stdout.trim()).toBe(version)
  }, 190_000)

  test('pnpm create roll, whose next steps use pnpm', async () => {
    const cwd = tempDir('roll-pnpm-')
    const store = tempDir('roll-pnpm-store-')
    const env = { ...registry.env, npm_config_store_dir: path.join(store, 'store'), npm_config_cache_dir: path.join(store, 'cache') }
    const result = await run(pnpmBin, ['create', 'roll', 'pnpm-app', '--template', 'basic'], { cwd, env, timeout: 120_000 })
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
    expect(result.stdout).toContain('Next steps:\n  cd pnpm-app\n  pnpm install\n  pnpm dev\n')
    expect(readJson(path.join(cwd, 'pnpm-app/package.json')).dependencies['@roll/framework']).toBe(`^${version}`)
  }, 130_000)

  test('a bare npm create roll@latest on a terminal asks for the folder, the template and the install', async () => {
    const cwd = tempDir('roll-tmux-')
    // tmux runs the command in its server's environment: the script sets the registry's.
    const script = path.join(tempDir('roll-tmux-env-'), 'create.sh')
    const exports = Object.entries(registry.env)
      .filter(([name, value]) => value !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && name !== 'CI')
      .map(([name, value]) => `export ${name}='${String(value).replace(/'/g, `'\\''`)}'`)
    writeFileSync(script, `unset CI\n${exports.join('\n')}\nnpm create roll@latest\n`)
    const session = new TmuxSession(`sh '${script}'`, cwd)
    try {
      await session.waitFor('Project name', 120_000)
      session.type('term-app')
      session.send('Enter')
      await session.waitFor('Template')
      session.send('Down') // basic → websocket-keepalive
      session.send('Enter')
      await session.waitFor('Install dependencies now')
      session.send('n')
      const done = await session.waitFor(/\[exit \d+\]/, 30_000)
      expect(done).toContain('[exit 0]')
      expect(done).toContain(`with @roll/framework ^${version}`)
      expect(existsSync(path.join(cwd, 'term-app/public/index.html'))).toBe(true)
    } finally {
      session.kill()
    }
  }, 200_000)

  test('misuse through npm create: one line from create-roll, a non-zero exit, no folder', async () => {
    const cwd = tempDir('roll-misuse-')
    const result = await sh('npm', ['create', 'roll@latest', 'bad-app', '--', '--template', 'nope'], cwd, 120_000, true)
    expect(result.code).not.toBe(0)
    const ours = result.stderr.split('\n').filter((line) => line.startsWith('create-roll'))
    expect(ours).toEqual([
      "create-roll: Unknown template 'nope'. Available: basic, websocket-keepalive, auth, custom-query. Pass one of them to --template, e.g. --template basic. Guide: https://roll-ts.github.io/roll/reference/templates",
    ])
    expect(result.stderr).not.toMatch(/^\s+at /m)
    expect(listTree(cwd)).toEqual([])
  }, 130_000)
})
