// Shutdown under load: SIGTERM while clients hammer the server. Every request the server
// handled is answered, new connections are refused, and the exit is 0 within the drain timeout.
import { Agent, request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtAppCopy, cleanUp, RollProcess, waitUntil } from './helpers/roll-app.js'

const DRAIN_TIMEOUT = 3_000
const LOOPS = 8
const SLOW = 4
const BIG = 2
const BIG_BYTES = 8 * 1024 * 1024
let dir: string

beforeAll(async () => {
  dir = await builtAppCopy()
})
afterAll(cleanUp)

interface Outcome {
  status?: number
  text?: string
  error?: string
  reused: boolean
}

/** GET `url` on `agent`; never rejects, and gives up after 5 s without a byte. */
function send(url: string, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent, timeout: 5_000 }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode, text, reused: req.reusedSocket }))
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, reused: req.reusedSocket }))
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer within 5 s'), { code: 'TIMEOUT' })))
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, reused: req.reusedSocket }))
    req.end()
  })
}

/**
 * LOOPS clients, each GETting a fast route back to back on its own keep-alive connection,
 * until the server refuses it a new connection or `stop` is called.
 */
function loadGenerator(url: string) {
  const tally = { sent: 0, completed: 0, refused: 0, reset: 0, unexpected: [] as string[] }
  let signalledAt: number | undefined
  let running = true
  const loop = async (path: string) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    while (running) {
      tally.sent++
      const outcome = await send(`${url}${path}`, agent)
      const afterSignal = signalledAt !== undefined
      if (outcome.status === 200) tally.completed++
      // Once the server stopped listening: the expected end of every client.
      else if (outcome.error === 'ECONNREFUSED' && afterSignal && !outcome.reused) {
        tally.refused++
        break
      }
      // The server closed an idle keep-alive connection as this request went out on it: the
      // server never read the request, and RFC 9112 §9.3.1 lets a client retry it (Node
      // documents req.reusedSocket for this), so it is retried on a new connection. On a new
      // connection, a reset would be a request lost.
      else if (outcome.error === 'ECONNRESET' && afterSignal && outcome.reused) tally.reset++
      else tally.unexpected.push(`${path}: ${outcome.error ?? `status ${outcome.status}`}${outcome.reused ? ' (reused connection)' : ''}${afterSignal ? ' after SIGTERM' : ''}`)
    }
    agent.destroy()
  }
  const loops = Array.from({ length: LOOPS }, (_, index) => loop(index % 2 === 0 ? '/' : '/pid'))
  return {
    tally,
    signalled: () => (signalledAt = Date.now()),
    /** Lets every client meet its refusal (for up to 2 s), then stops the rest. */
    stop: async () => {
      await Promise.race([Promise.all(loops), new Promise((resolve) => setTimeout(resolve, 2_000))])
      running = false
      await Promise.all(loops)
    },
  }
}

/** The requests the fixture handled, summed over the processes that printed it at shutdown. */
const handled = (output: string) => [...output.matchAll(/shutdown fired \((\d+) requests handled\)/g)].reduce((sum, match) => sum + Number(match[1]), 0)

describe.each([
  { target: 'node dist/server.mjs', start: () => new RollProcess(process.execPath, ['dist/server.mjs'], dir, { PORT: '0', ROLL_DRAIN_TIMEOUT: String(DRAIN_TIMEOUT) }), processes: 1 },
  { target: 'roll start --workers 2', start: () => RollProcess.roll(['start', '--workers', '2', '--port', '0'], dir, { ROLL_DRAIN_TIMEOUT: String(DRAIN_TIMEOUT) }), processes: 2 },
])('SIGTERM to $target under load', ({ start, processes }) => {
  it('answers every request it handled, refuses new connections, and exits 0 within the drain timeout', async () => {
    const server = start()
    const url = await server.url()
    const load = loadGenerator(url)
    const mark = server.mark()
    const slow = Array.from({ length: SLOW }, () => send(`${url}/slow?ms=1000`, false))
    const big = Array.from({ length: BIG }, () => send(`${url}/big?ms=1000&kb=${BIG_BYTES / 1024}`, false))
    const started = (what: string) => server.output.slice(mark).split(`${what} request started`).length - 1
    await waitUntil(`${SLOW} slow and ${BIG} big requests to start:\n${server.output}`, () => started('slow') === SLOW && started('big') === BIG, 5_000)
    await waitUntil('the load to be under way', () => load.tally.completed >= 200, 5_000)

    const signalledAt = load.signalled()
    const exited = await server.stop('SIGTERM', DRAIN_TIMEOUT + 2_000)
    const exitTime = Date.now() - signalledAt
    await load.stop()
    const slowOutcomes = await Promise.all(slow)
    const bigOutcomes = (await Promise.all(big)).map(({ text, ...outcome }) => ({ ...outcome, bytes: text?.length }))
    const { sent, completed, refused, reset, unexpected } = load.tally
    const counts = `${sent} sent by the load generator, ${completed} completed, ${refused} refused, ${reset} reset on a reused connection; ` +
      `${SLOW} slow and ${BIG} big; the server handled ${handled(server.output)}; exit after ${exitTime} ms`

    expect(exited, counts).toEqual({ code: 0, signal: null })
    expect(exitTime, counts).toBeLessThan(DRAIN_TIMEOUT + 1_000)
    expect(slowOutcomes, counts).toEqual(Array.from({ length: SLOW }, () => ({ status: 200, text: 'slow done', reused: false })))
    // Bodies larger than the socket's buffer are written out whole before the connections close.
    expect(bigOutcomes, counts).toEqual(Array.from({ length: BIG }, () => ({ status: 200, bytes: BIG_BYTES, reused: false })))
    expect(unexpected, counts).toEqual([])
    expect(refused, `every client ends refused: ${counts}`).toBe(LOOPS)
    expect(sent, counts).toBe(completed + refused + reset)
    expect(server.output.match(/shutdown fired/g)?.length, counts).toBe(processes)
    // Nothing the server handled was lost on the way back.
    expect(handled(server.output), counts).toBe(completed + SLOW + BIG)
    expect((await send(`${url}/`, false)).error).toBe('ECONNREFUSED')
    console.log(counts)
  })
})
