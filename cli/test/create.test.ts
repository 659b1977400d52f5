// roll create and create-roll, run as real processes in temp folders without a terminal:
// what they write, what they print, and how they refuse misuse without leaving files.
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CliError, scaffold, TEMPLATES as TEMPLATE_LIST } from '../src/index.js'
import { createRoll, freePort, listTree, removeTemps, repoRoot, roll, run, tempDir, testEnv } from '../../test/helpers/create.js'

afterEach(removeTemps)

const TEMPLATES = ['basic', 'websocket-keepalive', 'auth', 'custom-query']
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'))

describe('roll create', () => {
  it.each(TEMPLATES)('scaffolds the %s template without a terminal when every answer is given', async (template) => {
    const cwd = tempDir()
    const result = await roll(['create', 'my-app', '--template', template], { cwd })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const app = path.join(cwd, 'my-app')
    const files = listTree(app)
    expect(files).toEqual(expect.arrayContaining(['.gitignore', 'README.md', 'package.json', 'src/app.ts', 'src/main.ts', 'test/app.test.ts', 'tsconfig.json']))
    expect(files).not.toContain('_gitignore')
    for (const file of files.filter((name) => !name.endsWith('/'))) expect(result.stdout).toContain(`  ${file}\n`)
    const pkg = readJson(path.join(app, 'package.json'))
    expect(pkg.name).toBe('my-app')
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['dev', 'build', 'start', 'test']))
    expect(pkg.scripts.dev).toBe('roll dev')
    expect(readFileSync(path.join(app, 'src/app.ts'), 'utf8')).toMatch(/export const app\b/)
  })

  it('writes @roll/framework and @roll/cli at the range of this release, and says which', async () => {
    const cwd = tempDir()
    const { stdout } = await roll(['create', 'my-app', '-t', 'basic'], { cwd })
    const version = readJson(path.join(repoRoot, 'cli/package.json')).version
    const pkg = readJson(path.join(cwd, 'my-app', 'package.json'))
    expect(pkg.dependencies['@roll/framework']).toBe(`^${version}`)
    expect(pkg.devDependencies['@roll/cli']).toBe(`^${version}`)
    expect(stdout).toContain(`Created my-app from the basic template, with @roll/framework ^${version}:\n`)
    // Other packages keep the template's ranges.
    expect(pkg.devDependencies.vitest).toBe(readJson(path.join(repoRoot, 'templates/basic/package.json')).devDependencies.vitest)
  })

  it('links @roll/framework and @roll/cli to the folders of this checkout with --link', async () => {
    const cwd = tempDir()
    const { stdout } = await roll(['create', 'my-app', '-t', 'basic', '--link'], { cwd })
    const pkg = readJson(path.join(cwd, 'my-app', 'package.json'))
    expect(pkg.dependencies['@roll/framework']).toBe(`file:${path.join(repoRoot, 'framework')}`)
    expect(pkg.devDependencies['@roll/cli']).toBe(`file:${path.join(repoRoot, 'cli')}`)
    expect(stdout).toContain(`with @roll/framework file:${path.join(repoRoot, 'framework')}:\n`)
  })

  it('copies template files verbatim', async () => {
    const cwd = tempDir()
    await roll(['create', 'my-app', '-t', 'auth'], { cwd })
    for (const file of ['src/app.ts', 'src/auth.ts', 'test/app.test.ts', 'README.md', 'tsconfig.json']) {
      expect(readFileSync(path.join(cwd, 'my-app', file), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'templates/auth', file), 'utf8'))
    }
    expect(readFileSync(path.join(cwd, 'my-app/.gitignore'), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'templates/auth/_gitignore'), 'utf8'))
    expect(readFileSync(path.join(cwd, 'my-app/.env.example'), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'templates/auth/_env.example'), 'utf8'))
  })

  it('prints the next steps, without colours when stdout is not a terminal', async () => {
    const cwd = tempDir()
    const { stdout } = await roll(['create', 'my-app', '-t', 'basic'], { cwd })
    expect(stdout).toContain('Next steps:\n  cd my-app\n  npm install\n  npm run dev\n')
    expect(stdout).not.toContain('\x1b[')
  })

  it('uses the package manager of npm_config_user_agent in the next steps', async () => {
    const cwd = tempDir()
    const env = testEnv({ npm_config_user_agent: 'pnpm/9.1.0 npm/? node/v20.11.0 linux x64' })
    const { stdout } = await roll(['create', 'my-app', '-t', 'basic'], { cwd, env })
    expect(stdout).toContain('  cd my-app\n  pnpm install\n  pnpm dev\n')
  })

  it.each([
    ['yarn/1.22.22 npm/? node/v20.11.0 linux x64', '  yarn install\n  yarn dev\n'],
    ['bun/1.1.0 npm/? node/v20.11.0 linux x64', '  bun install\n  bun run dev\n'],
    ['', '  npm install\n  npm run dev\n'],
  ])('reads the package manager from the user agent %j', async (agent, steps) => {
    const cwd = tempDir()
    const { stdout } = await roll(['create', 'my-app', '-t', 'basic'], { cwd, env: testEnv({ npm_config_user_agent: agent }) })
    expect(stdout).toContain(`  cd my-app\n${steps}`)
  })

  it('leaves cd out of the next steps when the app is the current folder', async () => {
    const cwd = path.join(tempDir(), 'here-app')
    mkdirSync(cwd)
    const { code, stdout } = await roll(['create', '.', '-t', 'basic'], { cwd })
    expect(code).toBe(0)
    expect(readJson(path.join(cwd, 'package.json')).name).toBe('here-app')
    expect(stdout).toContain('Next steps:\n  npm install\n  npm run dev\n')
  })

  it('uses the defaults with --yes: roll-app and the basic template', async () => {
    const cwd = tempDir()
    const { code } = await roll(['create', '--yes'], { cwd })
    expect(code).toBe(0)
    expect(readJson(path.join(cwd, 'roll-app/package.json')).name).toBe('roll-app')
    expect(existsSync(path.join(cwd, 'roll-app/src/app.ts'))).toBe(true)
  })

  it('creates the folders of a nested path and writes nothing next to them', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'keep.txt'), 'mine')
    const { code } = await roll(['create', 'apps/web/my-app', '-t', 'basic'], { cwd })
    expect(code).toBe(0)
    expect(listTree(cwd).filter((file) => !file.startsWith('apps/web/my-app/'))).toEqual(['apps/', 'apps/web/', 'keep.txt'])
    expect(existsSync(path.join(cwd, 'apps/web/my-app/package.json'))).toBe(true)
  })

  it('runs git init with --git', async () => {
    const cwd = tempDir()
    const { code, stdout } = await roll(['create', 'my-app', '-t', 'basic', '--git'], { cwd })
    expect(code).toBe(0)
    expect(stdout).toMatch(/git/)
    expect(existsSync(path.join(cwd, 'my-app/.git'))).toBe(true)
  })

  it('installs with the detected package manager under --install, and drops the install step', async () => {
    const cwd = tempDir()
    // A stand-in npm on PATH records that it ran, and where: no network, no wait.
    const bin = path.join(cwd, 'bin')
    mkdirSync(bin)
    writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "$@" > "$PWD/installed.txt"\n')
    chmodSync(path.join(bin, 'npm'), 0o755)
    const env = testEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` })
    const { code, stdout } = await roll(['create', 'my-app', '-t', 'basic', '--install'], { cwd, env })
    expect(code).toBe(0)
    expect(readFileSync(path.join(cwd, 'my-app/installed.txt'), 'utf8')).toBe('install\n')
    expect(stdout).toContain('Next steps:\n  cd my-app\n  npm run dev\n')
  })

  it('says so when the install fails, and keeps the app', async () => {
    const cwd = tempDir()
    const bin = path.join(cwd, 'bin')
    mkdirSync(bin)
    writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\nexit 3\n')
    chmodSync(path.join(bin, 'npm'), 0o755)
    const env = testEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` })
    const { code, stderr } = await roll(['create', 'my-app', '-t', 'basic', '--install'], { cwd, env })
    expect(code).toBe(1)
    expect(stderr).toBe('roll: npm install failed (exit code 3) in my-app; the app files are in place. Fix the error above, then run npm install there again.\n')
    expect(existsSync(path.join(cwd, 'my-app/package.json'))).toBe(true)
  })

  it('scaffolds without a network, and when the install cannot reach the registry says so on one line and keeps the app', async () => {
    const cwd = tempDir()
    const closed = await freePort()
    // A registry nobody listens on, an empty cache, no retries: npm fails at once.
    const env = testEnv({
      npm_config_registry: `http://127.0.0.1:${closed}/`,
      npm_config_cache: path.join(tempDir(), 'cache'),
      npm_config_fetch_retries: '0',
      npm_config_userconfig: path.join(cwd, 'no-npmrc'),
    })
    const { code, stderr } = await roll(['create', 'my-app', '-t', 'basic', '--install'], { cwd, env, timeout: 60_000 })
    expect(code).toBe(1)
    const ours = stderr.split('\n').filter((line) => line.startsWith('roll:'))
    expect(ours).toEqual([expect.stringMatching(/^roll: npm install failed \(exit code \d+\) in my-app; the app files are in place\. Fix the error above, then run npm install there again\.$/)])
    expect(listTree(path.join(cwd, 'my-app'))).toEqual(expect.arrayContaining(['.gitignore', 'package.json', 'src/app.ts', 'test/app.test.ts']))
  }, 70_000)

  it('lists the templates with their descriptions in --help', async () => {
    const { code, stdout } = await roll(['create', '--help'], { cwd: tempDir() })
    expect(code).toBe(0)
    for (const template of TEMPLATES) expect(stdout).toContain(template)
    for (const flag of ['--template', '--yes', '--force', '--install', '--git']) expect(stdout).toContain(flag)
  })
})

describe('roll create --force', () => {
  it('replaces the contents of a non-empty folder, says what it replaces and keeps .git', async () => {
    const cwd = tempDir()
    const app = path.join(cwd, 'my-app')
    mkdirSync(path.join(app, '.git'), { recursive: true })
    writeFileSync(path.join(app, 'old.txt'), 'old')
    writeFileSync(path.join(app, '.git', 'HEAD'), 'ref: refs/heads/main\n')
    const { code, stdout } = await roll(['create', 'my-app', '-t', 'basic', '--force'], { cwd })
    expect(code).toBe(0)
    expect(stdout).toContain('Replacing the contents of my-app: old.txt')
    expect(existsSync(path.join(app, 'old.txt'))).toBe(false)
    expect(readFileSync(path.join(app, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n')
    expect(existsSync(path.join(app, 'src/app.ts'))).toBe(true)
  })

  it('refuses to empty a folder that holds the current one', async () => {
    const cwd = path.join(tempDir(), 'outer-app', 'inner')
    mkdirSync(cwd, { recursive: true })
    const { code, stderr } = await roll(['create', '..', '-t', 'basic', '--force'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^roll: Refusing to replace the contents of /)
    expect(listTree(path.dirname(cwd))).toEqual(['inner/'])
  })
})

describe('roll create, misused', () => {
  it('names the templates when the template is unknown, and writes nothing', async () => {
    const cwd = tempDir()
    const { code, stdout, stderr } = await roll(['create', 'my-app', '--template', 'bsic'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toBe(
      "roll: Unknown template 'bsic'. Available: basic, websocket-keepalive, auth, custom-query. " +
        'Pass one of them to --template, e.g. --template basic. Guide: https://roll-ts.github.io/roll/reference/templates\n',
    )
    expect(stdout).toBe('')
    expect(listTree(cwd)).toEqual([])
  })

  it('refuses a folder whose name is not a valid package name, and writes nothing', async () => {
    const cwd = tempDir()
    const { code, stderr } = await roll(['create', 'My App', '--template', 'basic'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toBe(
      "roll: Invalid package name 'My App' (the folder's name): name can only contain URL-friendly characters. " +
        'Name the folder like an npm package, e.g. roll create my-app.\n',
    )
    expect(listTree(cwd)).toEqual([])
  })

  it.each([['_private'], ['.hidden'], ['node_modules']])('refuses the folder name %s', async (name) => {
    const cwd = tempDir()
    const { code, stderr } = await roll(['create', name, '-t', 'basic'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^roll: Invalid package name/)
    expect(listTree(cwd)).toEqual([])
  })

  it('refuses a non-empty folder without --force, and touches nothing in it', async () => {
    const cwd = tempDir()
    const app = path.join(cwd, 'my-app')
    mkdirSync(app)
    writeFileSync(path.join(app, 'notes.txt'), 'mine')
    const { code, stderr } = await roll(['create', 'my-app', '-t', 'basic'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toBe(
      "roll: Folder 'my-app' is not empty (notes.txt); nothing was written. " +
        'Choose a new or empty folder, or pass --force to replace its contents.\n',
    )
    expect(listTree(cwd)).toEqual(['my-app/', 'my-app/notes.txt'])
    expect(readFileSync(path.join(app, 'notes.txt'), 'utf8')).toBe('mine')
  })

  it('refuses a target that is a file', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'my-app'), 'a file')
    const { code, stderr } = await roll(['create', 'my-app', '-t', 'basic'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^roll: '.*my-app' exists and is not a folder\. Choose another name for the app folder\.\n$/)
  })

  it('names every missing answer when there is no terminal to ask on, without waiting', async () => {
    const cwd = tempDir()
    const { code, stderr } = await roll(['create'], { cwd, timeout: 10_000 })
    expect(code).toBe(1)
    expect(stderr).toBe(
      'roll: Missing the app folder (first argument) and --template, and no terminal to ask for them. ' +
        'Pass them, e.g. roll create my-app --template basic, or --yes for the defaults (roll-app, basic).\n',
    )
    expect(listTree(cwd)).toEqual([])
  })

  it('names the missing --template alone when the folder is given', async () => {
    const cwd = tempDir()
    const { code, stderr } = await roll(['create', 'my-app'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^roll: Missing --template, and no terminal to ask for it\. Pass it, e.g\. roll create my-app --template basic, or --yes for the defaults \(roll-app, basic\)\.\n$/)
    expect(listTree(cwd)).toEqual([])
  })

  it('does not prompt under CI either', async () => {
    const cwd = tempDir()
    const { code, stderr } = await roll(['create', 'my-app'], { cwd, env: testEnv({ CI: 'true' }) })
    expect(code).toBe(1)
    expect(stderr).toContain('Missing --template')
  })

  it('rejects an unknown flag', async () => {
    const cwd = tempDir()
    const { code, stderr } = await roll(['create', 'my-app', '-t', 'basic', '--templat', 'auth'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^roll: Unknown argument/)
    expect(listTree(cwd)).toEqual([])
  })
})

describe('create-roll', () => {
  it('scaffolds like roll create, with the folder as its first argument', async () => {
    const cwd = tempDir()
    const result = await createRoll(['my-app', '--template', 'custom-query'], { cwd })
    expect(result.code).toBe(0)
    expect(readJson(path.join(cwd, 'my-app/package.json')).name).toBe('my-app')
    expect(existsSync(path.join(cwd, 'my-app/src/app.ts'))).toBe(true)
    expect(result.stdout).toContain('Next steps:')
  })

  it('runs through npm exec, as `npm create roll` does (offline: the package is this checkout\'s)', async () => {
    const cwd = tempDir()
    const args = ['exec', '--offline', '--yes', `--package=${path.join(repoRoot, 'cli/create-roll')}`, '--', 'create-roll', 'my-app', '--template', 'auth']
    const result = await run('npm', args, { cwd, timeout: 60_000 })
    expect(result.code).toBe(0)
    expect(readJson(path.join(cwd, 'my-app/package.json')).name).toBe('my-app')
    expect(existsSync(path.join(cwd, 'my-app/src/auth.ts'))).toBe(true)
  })

  it('prefixes its errors with create-roll', async () => {
    const cwd = tempDir()
    const { code, stderr } = await createRoll(['my-app', '-t', 'nope'], { cwd })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^create-roll: Unknown template 'nope'\./)
    expect(listTree(cwd)).toEqual([])
  })

  it('prints its version', async () => {
    const { code, stdout } = await createRoll(['--version'], { cwd: tempDir() })
    expect(code).toBe(0)
    expect(stdout.trim()).toBe(readJson(path.join(repoRoot, 'cli/create-roll/package.json')).version)
  })
})

describe('scaffold() from @roll/cli', () => {
  it('lists the four templates, each with a one-line description', () => {
    expect(TEMPLATE_LIST.map((t) => t.name)).toEqual(TEMPLATES)
    for (const { description } of TEMPLATE_LIST) expect(description).toMatch(/^[^\n]{10,70}$/)
  })

  it('writes a template and reports the files and what it replaced', async () => {
    const root = path.join(tempDir(), 'lib-app')
    mkdirSync(root)
    writeFileSync(path.join(root, 'stale.txt'), '')
    const result = await scaffold({ root, template: 'custom-query', force: true })
    expect(result.root).toBe(root)
    expect(result.replaced).toEqual(['stale.txt'])
    expect(result.files).toEqual(listTree(root).filter((file) => !file.endsWith('/')))
    expect(readJson(path.join(root, 'package.json')).name).toBe('lib-app')
  })

  it('throws a CliError and writes nothing for an unknown template', async () => {
    const cwd = tempDir()
    await expect(scaffold({ root: path.join(cwd, 'x'), template: 'nope' })).rejects.toBeInstanceOf(CliError)
    expect(listTree(cwd)).toEqual([])
  })
})
