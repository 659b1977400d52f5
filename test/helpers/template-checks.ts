// What each template's built server must answer on its main route, and a way to run the
// built server of an app folder (`node dist/server.mjs` on a free port) for such a check.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import path from 'node:path'
import { expect } from 'vitest'
import { freePort, testEnv } from './create.js'
import { waitUntil } from './wait-until.js'

export interface TemplateCase {
  template: string
  /** Extra environment for the built server. */
  env?: NodeJS.ProcessEnv
  /** Checks the running server's main route(s); `app` is the app folder. */
  check(url: string, app: string): Promise<void>
}

const credentials = { AUTH_USERNAME: 'ada', AUTH_PASSWORD: 'e2e passphrase' }

export const TEMPLATE_CASES: TemplateCase[] = [
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

/** Runs `node dist/server.mjs` in `app` on a free port, runs `check` against it, and stops it. */
export async function checkBuiltServer(app: string, { env, check }: TemplateCase): Promise<void> {
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
}
