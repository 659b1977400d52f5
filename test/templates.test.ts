// End to end, the same flow for every template: scaffold without a terminal into a temp
// folder, npm install (the @roll/* packages link to this checkout), the app's own tests
// and type-check, roll build, then node dist/server.mjs on a free port and its main route.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, removeTemps, roll, run, tempDir, testEnv } from './helpers/create.js'
import { waitUntil } from './helpers/wait-until.js'

afterAll(removeTemps)

interface TemplateCase {
  template: string
  /** Extra environment for the built server. */
  env?: NodeJS.ProcessEnv
  /** Checks the running server's main route(s); `app` is the app folder. */
  check(url: string, app: string): Promise<void>
}

const credentials = { AUTH_USERNAME: 'ada', AUTH_PASSWORD: 'e2e passphrase' }

const cases: TemplateCase[] = [
  {
    template: 'basic',
    async check(url) {
      const resp = await fetch(`${url}/hello/world`)
      expect(resp.status).toBe(200)
      expect(await resp.text()).toBe('Hello world')
    },
  },
  {
    template: 'websocket-keepalive',
    async check(url, app) {
      const page = await fetch(`${url}/static/`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('new WebSocket(')
      // The app's own `ws` (a devDependency of the template) talks to the built server.
      const WebSocket = createRequire(path.join(app, 'package.json'))('ws')
      const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`)
      await once(socket, 'open')
      socket.send('through the bundle')
      const [message] = await once(socket, 'message')
      expect(String(message)).toBe('through the bundle')
      socket.close()
    },
  },
  {
    template: 'auth',
    env: credentials,
    async check(url) {
      expect((await fetch(`${url}/`)).status).toBe(200)
      const denied = await fetch(`${url}/private`)
      expect(denied.status).toBe(401)
      expect(denied.headers.get('www-authenticate')).toMatch(/^Basic realm="/)
      const token = Buffer.from(`${credentials.AUTH_USERNAME}:${credentials.AUTH_PASSWORD}`).toString('base64')
      const allowed = await fetch(`${url}/private`, { headers: { Authorization: `Basic ${token}` } })
      expect(allowed.status).toBe(200)
      expect(await allowed.text()).toBe('Hello ada, you are logged in.')
    },
  },
  {
    template: 'custom-query',
    async check(url) {
      const resp = await fetch(`${url}/hello/?year=2017&month=9&day=20`)
      expect(resp.status).toBe(200)
      expect(await resp.text()).toBe('2017-09-20')
      expect((await fetch(`${url}/hello/?year=2017&month=2&day=30`)).status).toBe(400)
    },
  },
]

/** Runs an npm script (or command) in the app; fails the test with its output when it fails. */
async function npm(args: string[], cwd: string, timeout: number) {
  const result = await run('npm', args, { cwd, timeout })
  if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`)
  return result
}

describe.each(cases)('the $template template', ({ template, env, check }) => {
  let app: string

  beforeAll(async () => {
    const cwd = tempDir(`roll-e2e-${template}-`)
    app = path.join(cwd, `e2e-${template}`)
    const created = await roll(['create', app, '--template', template, '--no-install'], { cwd })
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
  }, 30_000)

  it('installs with npm, from this checkout and the npm cache', async () => {
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], app, 240_000)
    expect(existsSync(path.join(app, 'node_modules/@roll/framework/package.json'))).toBe(true)
    expect(existsSync(path.join(app, 'node_modules/.bin/roll'))).toBe(true)
  }, 250_000)

  it('passes its own tests', async () => {
    const { stdout } = await npm(['test'], app, 120_000)
    expect(stripVTControlCharacters(stdout)).toMatch(/Tests\s+\d+ passed/)
  }, 130_000)

  it('type-checks', async () => {
    await npm(['run', 'typecheck'], app, 120_000)
  }, 130_000)

  it('builds dist/server.mjs, which serves the main route', async () => {
    await npm(['run', 'build'], app, 120_000)
    expect(existsSync(path.join(app, 'dist/server.mjs'))).toBe(true)

    const port = await freePort()
    const server: ChildProcess = spawn(process.execPath, ['dist/server.mjs'], {
      cwd: app,
      env: testEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    server.stdout?.on('data', (chunk) => (output += chunk))
    server.stderr?.on('data', (chunk) => (output += chunk))
    const url = `http://127.0.0.1:${port}`
    try {
      await waitUntil(`the built server on port ${port}`, async () => {
        if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}: ${output}`)
        await fetch(url)
        return true
      })
      await check(url, app)
    } catch (error) {
      throw new Error(`${(error as Error).message}\nServer output:\n${output}`, { cause: error })
    } finally {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = once(server, 'exit')
        server.kill('SIGTERM')
        await exited
      }
    }
  }, 180_000)
})
