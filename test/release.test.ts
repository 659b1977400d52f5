// The release tooling keeps the four packages in lockstep (changesets, `fixed` group):
// a change to one bumps all four to one version, and internal ranges follow.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const FOLDERS = ['framework', 'cli', 'cli/create-roll', 'redis']
const copy = mkdtempSync(path.join(os.tmpdir(), 'roll-release-'))
afterAll(() => rmSync(copy, { recursive: true, force: true }))
const manifest = (folder: string) => JSON.parse(readFileSync(path.join(copy, folder, 'package.json'), 'utf8'))

test('a minor change to @roll/framework alone releases all four packages at the next minor, with create-roll and @roll/redis depending on it', () => {
  cpSync(path.join(root, 'package.json'), path.join(copy, 'package.json'))
  cpSync(path.join(root, '.changeset'), path.join(copy, '.changeset'), { recursive: true })
  for (const folder of FOLDERS) {
    mkdirSync(path.join(copy, folder), { recursive: true })
    cpSync(path.join(root, folder, 'package.json'), path.join(copy, folder, 'package.json'))
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir')
  const before = manifest('framework').version as string
  const [major, minor] = before.split('.').map(Number)
  const next = major === 0 ? `0.${minor + 1}.0` : `${major}.${minor + 1}.0`
  writeFileSync(path.join(copy, '.changeset', 'a-change.md'), '---\n"@roll/framework": minor\n---\n\nA change to the framework.\n')
  execFileSync(process.execPath, [path.join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], { cwd: copy, stdio: 'pipe', timeout: 30_000 })
  expect(FOLDERS.map((folder) => manifest(folder).version)).toEqual([next, next, next, next])
  expect(manifest('cli/create-roll').dependencies['@roll/cli']).toBe(`^${next}`)
  expect(manifest('redis').dependencies['@roll/framework']).toBe(`^${next}`)
  expect(readFileSync(path.join(copy, 'cli/create-roll/CHANGELOG.md'), 'utf8')).toContain(`## ${next}`)
})
