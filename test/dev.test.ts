// roll dev, end to end: the real bin on a copy of test/fixtures/dev-app.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appCopy, cleanUp, get, isAlive, messageModule, poll, portIsFree, RollProcess, waitUntil, writeAppFile } from './helpers/roll-app.js'

afterEach(cleanUp)

/** Starts `roll dev --port 0` in a fresh copy of the fixture app; resolves once it serves. */
async function startDev(extraArgs: string[] = [], prepare?: (dir: string) => void) {
  const dir = appCopy()
  prepare?.(dir)
  const roll = RollProcess.roll(['dev', '--port', '0', ...extraArgs], dir)
  const url = await roll.url()
  return { dir, roll, url }
}

describe('roll dev', () => {
  it('serves the app and serves the new code after a change', async () => {
    const { dir, roll, url } = await startDev()
    expect(roll.output).toMatch(/\[roll\] dev server on http:\/\/127\.0\.0\.1:\d+ \(src\/app\.ts\)/)
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'hello from version 1' })
    const mark = roll.mark()
    writeAppFile(dir, 'src/message.ts', messageModule('hello from version 2'))
    await roll.waitFor(/\[roll\] \d\d:\d\d:\d\d change in src\/message\.ts, restarted in \d+ ms\n/, { since: mark })
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'hello from version 2' })
  })

  it('restarts once for a "save all" of several files', async () => {
    const { dir, roll, url } = await startDev()
    const app = readFileSync(path.join(dir, 'src/app.ts'), 'utf8')
    const mark = roll.mark()
    writeAppFile(dir, 'src/message.ts', messageModule('saved together'))
    writeAppFile(dir, 'src/app.ts', `${app}\napp.route('/extra', async (_request, response) => { response.body = 'extra' })\n`)
    await roll.waitForText(`${url}/extra`, 'extra')
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'saved together' })
    const restarts = roll.output.slice(mark).match(/restarted in/g)
    expect(restarts).toHaveLength(1)
    expect(roll.output.slice(mark)).toMatch(/change in (src\/message\.ts, src\/app\.ts|src\/app\.ts, src\/message\.ts), restarted in \d+ ms/)
  })

  it('drops no request across 10 restarts while clients poll, with and without keep-alive and pauses', async () => {
    const { dir, roll, url } = await startDev()
    const poller = poll(`${url}/`)
    const pids = new Set<string>()
    for (let version = 2; version <= 11; version++) {
      writeAppFile(dir, 'src/message.ts', messageModule(`hello from version ${version}`))
      await roll.waitForText(`${url}/`, `hello from version ${version}`)
      pids.add((await get(`${url}/pid`)).text)
    }
    const report = await poller.stop()
    expect(report.failed).toEqual([])
    expect(report.ok).toBeGreaterThan(50)
    // Each version ran in its own process: no module state leaks from one to the next.
    expect(pids.size).toBe(10)
    expect(roll.output.match(/restarted in \d+ ms/g)?.length).toBeGreaterThanOrEqual(10)
  })

  it('hands an idle keep-alive connection to the new worker, which answers its next request', async () => {
    const { dir, roll, url } = await startDev()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const getOnAgent = (path: string) => new Promise<{ text: string; reused: boolean }>((resolve, reject) => {
      const req = request(`${url}${path}`, { agent }, (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk))
        res.on('end', () => resolve({ text, reused: req.reusedSocket }))
      })
      req.on('error', reject)
      req.end()
    })
    try {
      const before = await getOnAgent('/pid')
      expect(await getOnAgent('/')).toEqual({ text: 'hello from version 1', reused: true })
      const mark = roll.mark()
      writeAppFile(dir, 'src/message.ts', messageModule('hello from version 2'))
      await roll.waitFor(/restarted in/, { since: mark })
      expect(await getOnAgent('/')).toEqual({ text: 'hello from version 2', reused: true })
      const after = await getOnAgent('/pid')
      expect(after.reused).toBe(true)
      expect(after.text).not.toBe(before.text)
    } finally {
      agent.destroy()
    }
  })

  it('prints a build error with file:line:column, keeps the last good server, and recovers', async () => {
    const { dir, roll, url } = await startDev()
    const mark = roll.mark()
    writeAppFile(dir, 'src/message.ts', "export const message: string = 'unclosed\n")
    await roll.waitFor(/build failed, the last good server keeps serving/, { since: mark })
    await roll.waitFor(/src\/message\.ts:1:\d+:\n\s+1 │ export const message: string = 'unclosed/, { since: mark })
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'hello from version 1' })
    writeAppFile(dir, 'src/message.ts', messageModule('fixed'))
    await roll.waitForText(`${url}/`, 'fixed')
    expect(isAlive(roll.pid)).toBe(true)
  })

  it('says the app is fixed when a save brings back the code it serves after a build error', async () => {
    const { dir, roll, url } = await startDev()
    const good = readFileSync(path.join(dir, 'src/message.ts'), 'utf8')
    let mark = roll.mark()
    writeAppFile(dir, 'src/message.ts', "export const message: string = 'unclosed\n")
    await roll.waitFor(/build failed, the last good server keeps serving/, { since: mark })
    mark = roll.mark()
    writeAppFile(dir, 'src/message.ts', good)
    await roll.waitFor(/\[roll\] \d\d:\d\d:\d\d change in src\/message\.ts: fixed; serving the version of \d\d:\d\d:\d\d again\n/, { since: mark })
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'hello from version 1' })
  })

  it('ignores the files editors write beside a source (sed -i, vim, emacs, backups)', async () => {
    const { dir, roll, url } = await startDev()
    const mark = roll.mark()
    for (const name of ['sedAb12Cd', '4913', '.#message.ts', 'message.ts~', '.message.ts.swp']) writeAppFile(dir, `src/${name}`, 'temporary')
    // As sed -i does: the new content in a temp file, renamed over the source.
    writeAppFile(dir, 'src/sedXy34Zw', messageModule('edited by sed'))
    renameSync(path.join(dir, 'src/sedXy34Zw'), path.join(dir, 'src/message.ts'))
    await roll.waitForText(`${url}/`, 'edited by sed')
    await roll.waitFor(/\[roll\] \d\d:\d\d:\d\d change in src\/message\.ts, restarted in \d+ ms\n/, { since: mark })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(roll.output.slice(mark)).not.toMatch(/sed|4913|\.#|~|\.swp/)
  })

  it('prints the source-mapped stack of a start-up crash, waits, and recovers on the next save', async () => {
    const { dir, roll, url } = await startDev()
    const mark = roll.mark()
    writeAppFile(dir, 'src/message.ts', "export const message: string = 'never'\n\nthrow new Error('boom at import')\n")
    await roll.waitFor(/\[roll\] src\/app\.ts failed to load: Error: boom at import\n  src\/message\.ts:3:7\n(.*\n)*> {4}3 │ throw new Error\('boom at import'\)\n(.*\n)*\s+at .*src\/message\.ts:3:7/, { since: mark })
    expect(roll.output.slice(mark)).not.toMatch(/node:internal|dev-worker/)
    await roll.waitFor(/change in src\/message\.ts, not restarted: waiting for a change \(the last good server keeps serving\)/, { since: mark })
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'hello from version 1' })
    writeAppFile(dir, 'src/message.ts', messageModule('recovered'))
    await roll.waitForText(`${url}/`, 'recovered')
  })

  it('says what is wrong when the entry exports no app, then recovers', async () => {
    const { dir, roll, url } = await startDev()
    const mark = roll.mark()
    const app = "import { Roll } from '@roll/framework'\nexport const ap = new Roll()\n"
    writeAppFile(dir, 'src/app.ts', app)
    await roll.waitFor(/src\/app\.ts must export a Roll app as `app` \(or as its default export\), but it exports `ap`/, { since: mark })
    writeAppFile(dir, 'src/app.ts', app.replace('ap =', 'app =') + "app.route('/', async (_req, res) => { res.body = 'back' })\n")
    await roll.waitForText(`${url}/`, 'back')
  })

  it('reports an app that exits while serving, and serves again on the same port after the next save', async () => {
    const { dir, roll, url } = await startDev()
    const mark = roll.mark()
    expect((await get(`${url}/crash`)).text).toBe('crashing')
    await roll.waitFor(/\[roll\] the app exited \(code 3\); waiting for a change \(or type rs \+ Enter\)/, { since: mark })
    writeAppFile(dir, 'src/message.ts', messageModule('after the crash'))
    await roll.waitForText(`${url}/`, 'after the crash')
  })

  it('exits 1 naming the port when it is in use', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const { port } = busy.address() as AddressInfo
    try {
      const roll = RollProcess.roll(['dev', '--port', String(port)], appCopy())
      expect((await roll.exited).code).toBe(1)
      expect(roll.output).toContain(`roll: Cannot listen on 127.0.0.1:${port}: bind EADDRINUSE`)
      expect(roll.output).toContain('Stop the other server or pass another --port.')
    } finally {
      busy.close()
    }
  })

  it('listens on PORT and HOST from the environment, and --port and --host win over them', async () => {
    const free = async () => {
      const server = createServer()
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      await new Promise((resolve) => server.close(resolve))
      return port
    }
    const [fromEnv, fromFlag] = [await free(), await free()]
    const byEnv = RollProcess.roll(['dev'], appCopy(), { PORT: String(fromEnv), HOST: '0.0.0.0' })
    expect(await byEnv.url()).toBe(`http://0.0.0.0:${fromEnv}`)
    expect(await get(`http://127.0.0.1:${fromEnv}/`)).toEqual({ status: 200, text: 'hello from version 1' })
    const byFlag = RollProcess.roll(['dev', '--port', String(fromFlag), '--host', '127.0.0.1'], appCopy(), { PORT: String(fromEnv), HOST: '0.0.0.0' })
    expect(await byFlag.url()).toBe(`http://127.0.0.1:${fromFlag}`)
  })

  it('refuses a PORT that is not a port number, naming the variable and the fix', async () => {
    const roll = RollProcess.roll(['dev'], appCopy(), { PORT: 'eighty' })
    expect((await roll.exited).code).toBe(1)
    expect(roll.output).toContain("roll: PORT must be an integer from 0 to 65535, got 'eighty'. Set PORT to a port number (e.g. PORT=3579), or pass --port. Guide: https://roll-ts.github.io/roll/reference/environment\n")
  })

  it('says in --help that PORT and HOST are the defaults', async () => {
    const help = RollProcess.roll(['dev', '--help'], appCopy())
    await help.exited
    expect(help.output).toMatch(/--port\s+Port to listen on \(default: \$PORT, else 3579; 0: any free port\)/)
    expect(help.output).toMatch(/--host\s+Address to listen on \(default: \$HOST, else 127\.0\.0\.1\)/)
  })

  describe('pages for browsers', () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
    const throwing = [
      "import { Roll } from '@roll/framework'",
      'export const app = new Roll()',
      "app.route('/', (_request, response) => { response.body = 'home' })",
      "app.route('/items/{id:digit}', { methods: ['GET', 'POST'] }, () => {})",
      "app.route('/boom', () => {",
      "  throw new Error('kaboom <script>alert(1)</script>')",
      '})',
      '',
    ].join('\n')

    it('shows a browser an HTML 404 listing the routes, escaped, and any other client the plain 404', async () => {
      const { url } = await startDev([], (dir) => writeAppFile(dir, 'src/app.ts', throwing))
      const page = await fetch(`${url}/<script>x</script>`, { headers: { Accept: browser } })
      expect(page.status).toBe(404)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const html = await page.text()
      expect(html).toContain('No route matches <code>GET /&lt;script&gt;x&lt;/script&gt;</code>')
      expect(html).not.toContain('<script>')
      expect(html).toContain('<tr><td><code>GET</code></td><td><code>/</code></td>')
      expect(html).toContain('<tr><td><code>GET, POST</code></td><td><code>/items/{id:digit}</code></td>')
      for (const accept of ['*/*', 'application/json', undefined]) {
        const plain = await fetch(`${url}/nope`, { headers: accept ? { Accept: accept } : {} })
        expect([plain.status, plain.headers.get('content-type'), await plain.text()]).toEqual([404, 'text/plain; charset=utf-8', '/nope'])
      }
    })

    it('prints an unexpected error in the terminal with the app\'s line in a code frame and its frames, the rest folded', async () => {
      const { url, roll } = await startDev([], (dir) => writeAppFile(dir, 'src/app.ts', throwing))
      const mark = roll.mark()
      expect((await fetch(`${url}/boom`)).status).toBe(500)
      await roll.waitFor(/of the framework and Node\n/, { since: mark })
      const printed = roll.output.slice(mark)
      expect(printed).toContain('[roll] GET /boom failed with 500 Internal Server Error: Error: kaboom <script>alert(1)</script>\n  src/app.ts:6:9\n')
      expect(printed).toContain(">    6 │   throw new Error('kaboom <script>alert(1)</script>')\n")
      expect(printed).toMatch(/\n {4}at .*src\/app\.ts:6:9\)?\n {4}… \d+ frames? of the framework and Node\n/)
      expect(printed).not.toMatch(/node:internal|node_modules|dev-worker/)
    })

    it('shows a browser an HTML 500 with the message escaped, the line of src/app.ts in a code frame and the app\'s frames', async () => {
      const { url } = await startDev([], (dir) => writeAppFile(dir, 'src/app.ts', throwing))
      const page = await fetch(`${url}/boom`, { headers: { Accept: browser } })
      expect(page.status).toBe(500)
      const html = await page.text()
      expect(html).toContain('failed with <strong>Error: kaboom &lt;script&gt;alert(1)&lt;/script&gt;</strong>')
      expect(html).not.toContain('<script>')
      expect(html).toContain('In <code>src/app.ts:6:9</code>')
      expect(html).toContain(`<span class="mark">   6 │   throw new Error(&#39;kaboom &lt;script&gt;alert(1)&lt;/script&gt;&#39;)</span>`)
      expect(html).toMatch(/at src\/app\.ts:6:9|at .*\(src\/app\.ts:6:9\)/)
      expect(html).toMatch(/… \d+ frames? of the framework and Node<\/span><\/pre>/)
      expect(html).not.toMatch(/node:|node_modules/)
      const plain = await fetch(`${url}/boom`)
      expect([plain.status, await plain.text()]).toEqual([500, 'Internal Server Error'])
    })
  })

  it('restarts on rs + Enter', async () => {
    const { roll, url } = await startDev()
    const before = (await get(`${url}/pid`)).text
    const mark = roll.mark()
    roll.child.stdin!.write('rs\n')
    await roll.waitFor(/\[roll\] \d\d:\d\d:\d\d rs, restarted in \d+ ms/, { since: mark })
    expect((await get(`${url}/pid`)).text).not.toBe(before)
  })

  it.each(['SIGINT', 'SIGTERM'] as const)('stops every worker and frees the port on %s', async (signal) => {
    const { roll, url } = await startDev()
    const port = Number(new URL(url).port)
    // The serving worker and the warm standby.
    const workers = await waitUntil('two workers', () => {
      const pids = roll.children()
      return pids.length >= 2 ? pids : undefined
    })
    expect(await roll.stop(signal)).toEqual({ code: 0, signal: null })
    await waitUntil('every worker to exit', () => workers.every((pid) => !isAlive(pid)), 3_000)
    expect(await portIsFree(port)).toBe(true)
  })

  it('removes the bundle folders of dead roll dev processes at start, and its own on exit; the preload stays', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid
    const { dir, roll } = await startDev([], (dir) => mkdirSync(path.join(dir, 'node_modules/.roll', `dev-${dead}`), { recursive: true }))
    const folders = () => readdirSync(path.join(dir, 'node_modules/.roll'))
    expect(folders().sort()).toEqual([`dev-${roll.child.pid}`, 'preload.mjs'])
    expect(await roll.stop('SIGINT')).toEqual({ code: 0, signal: null })
    // What the app imports stays, for the next roll dev's first worker.
    expect(folders()).toEqual(['preload.mjs'])
  })

  it('on a second Ctrl-C while stopping, exits at once and still removes its bundle folder', async () => {
    const { dir, roll, url } = await startDev()
    const folder = path.join(dir, 'node_modules/.roll', `dev-${roll.child.pid}`)
    expect(existsSync(folder)).toBe(true)
    // A slow request keeps the first stop draining while the second Ctrl-C comes.
    const slow = get(`${url}/slow?ms=3000`).catch(() => undefined)
    await roll.waitFor(/slow request started/)
    // The serving worker, the standby (and esbuild's service).
    const running = await waitUntil('the serving worker and the standby', () => (roll.children().length >= 2 ? roll.children().length : 0))
    roll.child.kill('SIGINT')
    // Stopping has begun once the standby is gone; the serving worker is still draining.
    await waitUntil('the standby to be stopped', () => roll.children().length < running, 3_000)
    roll.child.kill('SIGINT')
    expect((await roll.exited).code).not.toBeNull()
    expect(existsSync(folder)).toBe(false)
    await slow
  })

  it('loads .env into the app\'s environment and restarts when it changes', async () => {
    const { dir, roll, url } = await startDev([], (dir) => writeAppFile(dir, '.env', 'GREETING="hello from .env"\n'))
    expect(await get(`${url}/env/GREETING`)).toEqual({ status: 200, text: 'hello from .env' })
    const mark = roll.mark()
    writeAppFile(dir, '.env', 'GREETING=changed\n')
    await roll.waitFor(/change in \.env, restarted in \d+ ms/, { since: mark })
    await roll.waitForText(`${url}/env/GREETING`, 'changed')
  })

  it('passes --inspect through to the serving worker', async () => {
    const { roll } = await startDev(['--inspect=127.0.0.1:0'])
    await roll.waitFor(/Debugger listening on ws:\/\/127\.0\.0\.1:\d+\//)
  })
})
