// Publishing through a real registry (verdaccio): the three packages publish from the
// workspace without npm rewriting their manifests, and come back with their bins; other
// packages are proxied to the upstream registry. One registry for the whole file.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { repoRoot } from './helpers/create.js'
import { startRegistry, type Registry } from './helpers/registry.js'

const run = promisify(execFile)
let registry: Registry
let published: { stdout: string; stderr: string }
const npm = (args: string[], timeout = 60_000) => run('npm', args, { cwd: repoRoot, env: registry.env, timeout, encoding: 'utf8' })

beforeAll(async () => {
  registry = await startRegistry()
  published = await npm(['publish', '--workspaces', '--tag', 'latest'], 120_000)
}, 180_000)
afterAll(() => registry?.stop(), 15_000)

describe('npm publish --workspaces to a local registry', () => {
  test('publishes the three packages without npm correcting their package.json', () => {
    expect(published.stderr).not.toMatch(/auto-corrected|was invalid and removed|normalized/)
    for (const name of ['@roll/framework', '@roll/cli', 'create-roll']) expect(published.stdout).toMatch(new RegExp(`\\+ ${name}@\\d+\\.\\d+\\.\\d+`))
  })

  test.each([
    ['@roll/cli', { roll: 'bin/roll.js' }],
    ['create-roll', { 'create-roll': 'bin/create-roll.js' }],
  ])('%s comes back from the registry with its bin and the version of the workspace', async (name, bin) => {
    const { stdout } = await npm(['view', name, '--json'])
    const manifest = JSON.parse(stdout)
    expect(manifest.bin).toEqual(bin)
    const folder = name === 'create-roll' ? 'cli/create-roll' : 'cli'
    expect(manifest.version).toBe(JSON.parse(readFileSync(`${repoRoot}${folder}/package.json`, 'utf8')).version)
  })

  test('proxies any other package to the upstream registry', async () => {
    const { stdout } = await npm(['view', 'is-number@7.0.0', 'name'])
    expect(stdout.trim()).toBe('is-number')
  })
})
