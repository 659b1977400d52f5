// roll create on a real terminal (tmux): the questions, answered by keyboard, and Ctrl-C
// at a question leaving nothing behind. Skipped when tmux is not installed, except under
// CI, where a missing tmux fails (.ci/run installs it).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { listTree, removeTemps, rollBin, tempDir } from '../../test/helpers/create.js'
import { hasTmux, TmuxSession } from '../../test/helpers/tmux.js'

let session: TmuxSession | undefined

afterEach(() => {
  session?.kill()
  session = undefined
  removeTemps()
})

// The terminal has no CI flag (it would turn the questions off) and npm as the package manager.
const command = `env -u CI npm_config_user_agent=npm/10 '${process.execPath}' '${rollBin}' create`

const title = hasTmux
  ? 'roll create on a terminal (tmux)'
  : 'roll create on a terminal: SKIPPED, tmux is not installed (apt-get install -y tmux)'
if (!hasTmux) console.warn(`cli/test/create-interactive.test.ts: ${title}`)

describe.skipIf(!hasTmux && !process.env.CI)(title, () => {
  it('asks for the folder, the template and the install, and scaffolds the chosen template', async () => {
    const cwd = tempDir()
    session = new TmuxSession(command, cwd)
    await session.waitFor('Project name')
    session.type('my-app')
    session.send('Enter')
    await session.waitFor('Template')
    const screen = session.screen()
    expect(screen).toContain('basic')
    expect(screen).toContain('custom-query')
    expect(screen).toContain("Roll's hello app")
    // basic → websocket-keepalive → auth
    session.send('Down')
    session.send('Down')
    session.send('Enter')
    await session.waitFor('Install dependencies now')
    session.send('n')
    const done = await session.waitFor(/\[exit \d+\]/)
    expect(done).toContain('[exit 0]')
    expect(done).toContain('Next steps:')
    expect(readFileSync(path.join(cwd, 'my-app/package.json'), 'utf8')).toContain('"name": "my-app"')
    expect(existsSync(path.join(cwd, 'my-app/src/auth.ts'))).toBe(true)
    expect(existsSync(path.join(cwd, 'my-app/node_modules'))).toBe(false)
  })

  it('asks for a package name when the folder name is not one', async () => {
    const cwd = tempDir()
    session = new TmuxSession(`${command} 'My App' --template basic --no-install`, cwd)
    await session.waitFor('Package name')
    session.send('Enter')
    const done = await session.waitFor(/\[exit \d+\]/)
    expect(done).toContain('[exit 0]')
    expect(JSON.parse(readFileSync(path.join(cwd, 'My App/package.json'), 'utf8')).name).toBe('my-app')
  })

  it('leaves nothing behind when Ctrl-C interrupts a question', async () => {
    const cwd = tempDir()
    session = new TmuxSession(command, cwd)
    await session.waitFor('Project name')
    session.type('my-app')
    session.send('Enter')
    await session.waitFor('Template')
    session.send('C-c')
    const done = await session.waitFor(/\[exit \d+\]/)
    expect(done).toContain('Cancelled: nothing was written.')
    expect(done).toContain('[exit 130]')
    expect(listTree(cwd)).toEqual([])
  })

  it('asks before replacing a non-empty folder, and keeps it on no', async () => {
    const cwd = tempDir()
    mkdirSync(path.join(cwd, 'my-app'))
    writeFileSync(path.join(cwd, 'my-app/notes.txt'), 'mine')
    session = new TmuxSession(`${command} my-app --template basic --no-install`, cwd)
    await session.waitFor('is not empty (notes.txt)')
    session.send('n')
    const done = await session.waitFor(/\[exit \d+\]/)
    expect(done).toContain('[exit 1]')
    expect(listTree(cwd)).toEqual(['my-app/', 'my-app/notes.txt'])
  })
})
