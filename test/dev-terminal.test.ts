// roll dev on a real terminal (tmux, 120×35): what the screen shows after a handler error,
// after a syntax error and its fix, and after an edit made with sed -i.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appCopy, cleanUp, writeAppFile } from './helpers/roll-app.js'
import { hasTmux, TmuxSession } from './helpers/tmux.js'
import { freePort, repoRoot } from './helpers/create.js'

let session: TmuxSession | undefined
afterEach(() => {
  session?.kill()
  session = undefined
  cleanUp()
})

const app = [
  "import { Roll } from '@roll/framework'",
  "import { message } from './message.js'",
  'export const app = new Roll()',
  "app.route('/', (_request, response) => { response.body = message })",
  "app.route('/crash', function crash() {",
  "  throw new Error('kaboom')",
  '})',
  '',
].join('\n')

/** The screen's lines, without the trailing blank ones. */
const lines = (screen: string) => screen.replace(/\s+$/, '').split('\n')

describe.skipIf(!hasTmux && !process.env.CI)('roll dev on a terminal (tmux)', () => {
  it('shows the line that threw, says when a fix brings the app back, and names no editor temp file', async () => {
    const dir = appCopy()
    writeAppFile(dir, 'src/app.ts', app)
    const port = await freePort()
    session = new TmuxSession(`env -u CI NO_COLOR=1 '${process.execPath}' '${path.join(repoRoot, 'cli/bin/roll.js')}' dev --port ${port}`, dir, { width: 120, height: 35 })
    await session.waitFor('dev server on', 20_000)

    // A handler error: the one line, then src/app.ts:6 in a code frame.
    await fetch(`http://127.0.0.1:${port}/crash`)
    let screen = await session.waitFor('of the framework and Node')
    expect(screen).toContain('[roll] GET /crash failed with 500 Internal Server Error: Error: kaboom')
    expect(screen).toContain('  src/app.ts:6:9')
    expect(screen).toContain(">    6 │   throw new Error('kaboom')")

    // A syntax error, then the file as it was: the last line says the app is fine.
    const good = readFileSync(path.join(dir, 'src/message.ts'), 'utf8')
    writeAppFile(dir, 'src/message.ts', "export const message: string = 'unclosed\n")
    await session.waitFor('waiting for a change')
    writeAppFile(dir, 'src/message.ts', good)
    screen = await session.waitFor(/fixed; serving the version of \d\d:\d\d:\d\d again/)
    expect(lines(screen).at(-1)).toMatch(/^\[roll\] \d\d:\d\d:\d\d change in src\/message\.ts: fixed; serving the version of \d\d:\d\d:\d\d again$/)

    // sed -i writes a temp file beside the source and renames it over: one restart, the source named.
    execFileSync('sed', ['-i', 's/hello from version 1/hello from sed/', path.join(dir, 'src/message.ts')])
    screen = await session.waitFor(/change in src\/message\.ts, restarted in \d+ ms/)
    await new Promise((resolve) => setTimeout(resolve, 500))
    screen = session.screen()
    expect(screen.match(/restarted in/g)).toHaveLength(1) // the first start says "dev server on", the fix "fixed"
    expect(screen).not.toMatch(/sed[A-Za-z0-9]{6}/)
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hello from sed')
  }, 60_000)
})
