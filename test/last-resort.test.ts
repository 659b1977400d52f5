// The bundle's last resort: an error that escapes the app is logged with its source-mapped
// stack, the server stops accepting, drains and exits 1; roll start replaces the worker.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtAppCopy, cleanUp, get, RollProcess, waitUntil } from './helpers/roll-app.js'

const DRAIN_TIMEOUT = 3_000
let dir: string

beforeAll(async () => {
  dir = await builtAppCopy()
})
afterAll(cleanUp)

/** The 1-based line of the fixture's src/app.ts that contains `text`. */
function lineOf(text: string): number {
  const lines = readFileSync(path.join(dir, 'src/app.ts'), 'utf8').split('\n')
  const index = lines.findIndex((line) => line.includes(text))
  expect(index).toBeGreaterThanOrEqual(0)
  return index + 1
}

/** How GET `url` on a new connection ends: an error code, or the status it answered with. */
const outcome = (url: string) => get(url).then((reply) => `answered ${reply.status}`, (error: NodeJS.ErrnoException) => error.code)

describe('an error that escapes the app, in dist/server.mjs', () => {
  it.each([
    { route: '/throw-later?times=2', what: 'an exception was thrown and nothing caught it', source: 'throw new Error(`escaped', faults: 2 },
    { route: '/reject-later', what: 'a promise was rejected and nothing handled the rejection', source: 'Promise.reject(', faults: 1 },
  ])('$route: logs it with its src/app.ts line, finishes the request in flight, refuses new connections, exits 1', async ({ route, what, source, faults }) => {
    // Plain node, no --enable-source-maps: the bootstrap maps the stack itself.
    const server = new RollProcess(process.execPath, ['dist/server.mjs'], dir, { PORT: '0', ROLL_DRAIN_TIMEOUT: String(DRAIN_TIMEOUT) })
    const url = await server.url()
    let slowSettled = false
    const slow = get(`${url}/slow?ms=1500`).finally(() => (slowSettled = true))
    await server.waitFor(/slow request started/)

    expect((await get(`${url}${route}`)).status).toBe(200)
    const logged = await server.waitFor(new RegExp(`\\[roll\\] ${what}, .*exits with code 1.*Fix the error; its stack shows where:\\n(.*)\\n\\s+at .*src/app\\.ts:(\\d+):\\d+`))
    const faultAt = Date.now()
    expect(logged[1]).toMatch(/^Error: (escaped from a timer \(1 of 2\)|a rejection nobody handled)$/)
    expect(Number(logged[2])).toBe(lineOf(source))
    // A connection that raced the stop can be reset (the kernel had queued it); once the
    // server no longer listens, every new one is refused.
    expect(await waitUntil('new connections to be refused', async () => (await outcome(`${url}/`)) === 'ECONNREFUSED', 2_000)).toBe(true)
    expect(slowSettled, 'the slow request was still in flight when the new connection was refused').toBe(false)
    if (faults === 2) await server.waitFor(/\[roll\] while the server was stopping, an exception was thrown .*\nError: escaped from a timer \(2 of 2\)\n\s+at .*src\/app\.ts:\d+/)

    // A second fault neither cuts the drain short nor holds it up.
    expect(await slow).toEqual({ status: 200, text: 'slow done' })
    expect(await server.exited).toEqual({ code: 1, signal: null })
    expect(Date.now() - faultAt).toBeLessThan(DRAIN_TIMEOUT)
    expect(server.output).toMatch(/shutdown fired/)
  })
})

describe('an error that escapes the app, under roll start', () => {
  it('the primary reports the worker that died and a new one serves', async () => {
    const roll = RollProcess.roll(['start', '--workers', '2', '--port', '0'], dir, { ROLL_DRAIN_TIMEOUT: String(DRAIN_TIMEOUT) })
    await roll.waitFor(/\[roll\] serving dist\/server\.mjs on .* with 2 workers/)
    const url = await roll.url()
    const workers = await waitUntil('two workers', () => (roll.children().length === 2 ? roll.children() : undefined))

    expect((await get(`${url}/throw-later`)).text).toBe('throwing')
    await roll.waitFor(/\[roll\] an exception was thrown and nothing caught it, .*\nError: escaped from a timer \(1 of 1\)\n\s+at .*src\/app\.ts:\d+/)
    const died = Number((await roll.waitFor(/\[roll\] worker (\d+) exited \(code 1\), starting a new one/))[1])
    expect(workers).toContain(died)
    const now = await waitUntil('a replacement worker', () => {
      const pids = roll.children()
      return pids.length === 2 && !pids.includes(died) ? pids : undefined
    })
    const answered = new Set<string>()
    await waitUntil('both workers to answer', async () => {
      const reply = await get(`${url}/pid`)
      expect(reply.status).toBe(200)
      answered.add(reply.text)
      return now.every((pid) => answered.has(String(pid)))
    })
    expect(await roll.stop()).toEqual({ code: 0, signal: null })
  })
})
