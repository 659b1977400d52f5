// redisTransport against a real redis-server: two apps, standing for two machines, each
// with its hub on the same Redis, and websocket subscribers on each. Messages cross both
// ways, once each and in order, text as text and bytes as bytes; Redis killed mid-run
// leaves local delivery going and says so once; back on the same port, delivery across
// resumes by itself; close() leaves nothing behind.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { Roll, WebSocketConnection, type Message } from '@roll/framework'
import { pubsub, type PubSub } from '@roll/framework/extensions'
import { createClient, type Client } from '@roll/framework/testing'
import { redisTransport, type RedisTransportOptions } from '@roll/redis'
import { freePort } from '../../test/helpers/create.js'
import { startRedis, type RedisServer } from '../../test/helpers/redis.js'
import { waitUntil } from '../../test/helpers/wait-until.js'
import { drained } from '../../test/helpers/websocket-peers.js'

/** How long a websocket stays quiet before nothing more is expected on it (ms). */
const PAUSE = 200

let redis: RedisServer
const clients: Client[] = []
beforeAll(async () => { redis = await startRedis() })
afterAll(async () => { await redis?.stop() })
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()))
  vi.restoreAllMocks()
})

interface Machine { hub: PubSub; client: Client; logger: { error: ReturnType<typeof vi.fn>; info: ReturnType<typeof vi.fn> }; join(room: string): Promise<WebSocketConnection> }

/** A chat app on Redis: a websocket joins `/chat/{room}`, is told 'joined', and what it sends goes to the others. */
function machine(options: Partial<RedisTransportOptions> = {}): Machine {
  const logger = { error: vi.fn(), info: vi.fn() }
  const app = new Roll()
  const hub = pubsub(app, { transport: redisTransport({ url: redis.url, logger, ...options }) })
  app.route('/chat/{room}', { protocol: 'websocket' }, async (request, ws, { room }) => {
    hub.subscribe(ws, room)
    await ws.send('joined')
    for await (const message of ws) hub.publish(room, message, { except: ws })
  })
  const client = createClient(app)
  clients.push(client)
  return {
    hub,
    client,
    logger,
    async join(room) {
      const ws = await client.websocket(`/chat/${room}`)
      expect(await ws.recv({ timeout: 2_000 })).toBe('joined')
      return ws
    },
  }
}

/**
 * Publishes on a topic of its own from `from` until a subscriber on `to` gets it (bounded):
 * Redis drops what is published before the other side has subscribed.
 */
async function crossed(from: Machine, to: Machine, timeout = 15_000): Promise<void> {
  const probe = await to.join('probe')
  let count = 0
  await waitUntil('a message from one app to reach the other through Redis', async () => {
    from.hub.publish('probe', `probe ${count++}`)
    return (await probe.recv({ timeout: 100 }).catch(() => undefined)) !== undefined
  }, timeout, 0)
  await probe.close()
}

/** The clients Redis has now (CLIENT LIST), less the one asking. */
async function redisClients(): Promise<number> {
  const list = await redis.command('CLIENT', 'LIST')
  return list.split('\n').filter((line) => line.startsWith('id=')).length - 1
}

describe('redisTransport between two apps on one Redis', () => {
  it('carries a message both ways, to every subscriber once, the sender excepted, text as text and bytes as bytes', async () => {
    const [a, b] = [machine(), machine()]
    const [alice, carol, bob, elsewhere] = [await a.join('room'), await a.join('room'), await b.join('room'), await b.join('other')]
    await crossed(a, b)
    await alice.send('hello')
    await bob.send(Buffer.from([0, 1, 2, 255]))
    await bob.send('é'.repeat(100))
    expect(await drained(alice, PAUSE)).toEqual([Buffer.from([0, 1, 2, 255]), 'é'.repeat(100)])
    expect(await drained(carol, PAUSE)).toEqual(['hello', Buffer.from([0, 1, 2, 255]), 'é'.repeat(100)])
    expect(await drained(bob, PAUSE)).toEqual(['hello'])
    expect(await drained(elsewhere, PAUSE)).toEqual([])
    expect([...a.logger.error.mock.calls, ...b.logger.error.mock.calls, ...a.logger.info.mock.calls, ...b.logger.info.mock.calls]).toEqual([])
  })

  it("keeps each publisher's order: 200 messages, each once, on both machines", async () => {
    const [a, b] = [machine(), machine()]
    const [alice, carol, bob] = [await a.join('room'), await a.join('room'), await b.join('room')]
    await crossed(a, b)
    const sent = Array.from({ length: 200 }, (_, index) => (index % 2 ? `message ${index}` : Buffer.from(`bytes ${index}`)))
    for (const message of sent) await alice.send(message)
    for (const ws of [bob, carol]) {
      const got: Message[] = []
      while (got.length < sent.length) got.push(await ws.recv({ timeout: 2_000 }))
      expect(got).toEqual(sent)
      expect(await drained(ws, PAUSE)).toEqual([])
    }
    expect(await drained(alice, PAUSE)).toEqual([])
  })

  it('keeps apps on other channels apart', async () => {
    const [a, b, c, d] = [machine({ channel: 'app-one' }), machine({ channel: 'app-one' }), machine({ channel: 'app-two' }), machine({ channel: 'app-two' })]
    const [alice, bob, carol, dave] = [await a.join('room'), await b.join('room'), await c.join('room'), await d.join('room')]
    await crossed(a, b)
    await crossed(c, d)
    await alice.send('for app one')
    await carol.send('for app two')
    expect(await drained(bob, PAUSE)).toEqual(['for app one'])
    expect(await drained(dave, PAUSE)).toEqual(['for app two'])
    expect(await drained(alice, PAUSE)).toEqual([])
    expect(await drained(carol, PAUSE)).toEqual([])
  })

  it('ignores what others publish on its channel that is not one of its messages', async () => {
    const [a, b] = [machine(), machine()]
    const bob = await b.join('room')
    await crossed(a, b)
    // No header line, a header that is not JSON, one without its fields, one of another version.
    for (const junk of ['hello', 'not json\nhello', '{"v":1}\nhello', '{"v":2,"from":"x","topic":"room","text":true}\nhello']) {
      expect(await redis.command('PUBLISH', 'roll:pubsub', junk)).toBe(':2\r\n')
    }
    a.hub.publish('room', 'still fine')
    expect(await drained(bob, PAUSE)).toEqual(['still fine'])
    expect([...a.logger.error.mock.calls, ...b.logger.error.mock.calls]).toEqual([])
  })

  it('goes on delivering locally when Redis is killed, says so once, and comes back by itself when Redis does', async () => {
    const [a, b] = [machine(), machine()]
    const [alice, carol, bob] = [await a.join('room'), await a.join('room'), await b.join('room')]
    await crossed(a, b)
    await crossed(b, a)

    await redis.kill()
    await waitUntil('both transports to notice', () => a.logger.error.mock.calls.length > 0 && b.logger.error.mock.calls.length > 0, 5_000)
    for (let index = 0; index < 20; index++) expect(() => a.hub.publish('room', `while away ${index}`)).not.toThrow()
    await alice.send('from alice while away')
    expect(await drained(carol, PAUSE)).toEqual([...Array.from({ length: 20 }, (_, index) => `while away ${index}`), 'from alice while away'])
    expect(await drained(bob, PAUSE)).toEqual([])
    // Let a few reconnect attempts fail.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    for (const { logger } of [a, b]) {
      expect(logger.error.mock.calls).toEqual([[
        `[roll] pubsub: lost the connection to Redis at ${redis.url} (Socket closed unexpectedly). Until it is back, messages reach the subscribers of this process only; reconnecting in the background.`,
      ]])
      expect(logger.info).not.toHaveBeenCalled()
    }

    await redis.start()
    await crossed(a, b)
    await crossed(b, a)
    await alice.send('after')
    expect(await drained(bob, PAUSE)).toEqual(['after'])
    expect(await drained(carol, PAUSE)).toEqual(['after'])
    for (const { logger } of [a, b]) {
      expect(logger.info.mock.calls).toEqual([[`[roll] pubsub: Redis is back at ${redis.url}: messages reach the other processes again.`]])
      expect(logger.error).toHaveBeenCalledTimes(1)
    }
  })

  it('notices a Redis that stops answering without closing its connections, and comes back when it answers again', async () => {
    const [a, b] = [machine(), machine()]
    const [alice, carol] = [await a.join('room'), await a.join('room')]
    await crossed(a, b)
    await crossed(b, a)
    redis.pause()
    try {
      await waitUntil('the heartbeat to notice', () => a.logger.error.mock.calls.length > 0 && b.logger.error.mock.calls.length > 0, 15_000)
      await alice.send('while frozen')
      expect(await drained(carol, PAUSE)).toEqual(['while frozen'])
    } finally {
      redis.resume()
    }
    await crossed(a, b)
    await crossed(b, a)
    await waitUntil('both to say Redis is back', () => a.logger.info.mock.calls.length > 0 && b.logger.info.mock.calls.length > 0, 5_000)
    for (const { logger } of [a, b]) {
      expect(logger.error.mock.calls).toEqual([[
        `[roll] pubsub: lost the connection to Redis at ${redis.url} (no answer to PING within 5 s). Until it is back, messages reach the subscribers of this process only; reconnecting in the background.`,
      ]])
      expect(logger.info).toHaveBeenCalledTimes(1)
    }
  }, 30_000)

  it('does not hold up startup when Redis is unreachable: logs it once to console.error, and connects when it answers', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const info = vi.spyOn(console, 'info').mockImplementation(() => {})
    await redis.kill()
    const started = Date.now()
    const [a, b] = [machine({ logger: undefined }), machine({ logger: undefined })]
    const [alice, carol] = [await a.join('room'), await a.join('room')]
    expect(Date.now() - started).toBeLessThan(3_000)
    await alice.send('local only')
    expect(await drained(carol, PAUSE)).toEqual(['local only'])
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(error.mock.calls).toEqual(Array(2).fill([
      `[roll] pubsub: cannot reach Redis at ${redis.url} (connect ECONNREFUSED 127.0.0.1:${redis.port}). Until it is back, messages reach the subscribers of this process only; reconnecting in the background.`,
    ]))
    await redis.start()
    await crossed(a, b)
    await crossed(b, a)
    await waitUntil('both to say they are connected', () => info.mock.calls.length === 2, 2_000)
    expect(info.mock.calls).toEqual(Array(2).fill([`[roll] pubsub: connected to Redis at ${redis.url} after all: messages reach the other processes now.`]))
    expect(error).toHaveBeenCalledTimes(2)
  })

  it('close() quits both connections, stops retrying, and logs nothing more', async () => {
    const before = await redisClients()
    const [a, b] = [machine(), machine()]
    await crossed(a, b)
    await crossed(b, a)
    expect(await redisClients()).toBe(before + 4)
    await a.client.close()
    await waitUntil('the closed app to leave Redis', async () => (await redisClients()) === before + 2, 2_000)
    await redis.kill()
    await waitUntil('the other app to notice', () => b.logger.error.mock.calls.length > 0, 5_000)
    await b.client.close()
    await redis.start()
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(await redisClients()).toBe(before)
    expect(a.logger.error).not.toHaveBeenCalled()
    expect(b.logger.error).toHaveBeenCalledTimes(1)
    expect(b.logger.info).not.toHaveBeenCalled()
  })

  it('leaves no timer nor socket keeping the process alive after close(), even while Redis is away', async () => {
    const script = fileURLToPath(new URL('./fixtures/close-and-exit.ts', import.meta.url))
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', script, `redis://127.0.0.1:${port}`, redis.url], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null) }, 15_000)
      child.once('exit', (exitCode) => { clearTimeout(timer); resolve(exitCode) })
    })
    expect(code, output).toBe(0)
    const exited = Number(/exited (\d+) ms after close\(\)/.exec(output)?.[1])
    expect(exited, output).toBeLessThan(200)
  })
})

describe('redisTransport() checks its URL', () => {
  it.each([
    [undefined, "redisTransport(): pass the URL of your Redis server, as redisTransport('redis://localhost:6379'), or redisTransport(process.env.REDIS_URL) with REDIS_URL set; got undefined."],
    ['', /got an empty string\.$/],
    ['localhost:6379', "redisTransport(): the URL must start with redis:// (or rediss:// for TLS), as redis://localhost:6379; got 'localhost:6379'."],
    ['http://user:secret@example.com', /got 'http:\/\/user@example\.com\/'\.$/],
    ['redis//nope', /got a string that is not a URL\.$/],
  ])('refuses %j with a TypeError that says what to pass', (url, message) => {
    expect(() => redisTransport(url)).toThrow(TypeError)
    expect(() => redisTransport({ url })).toThrow(message)
  })

  it('accepts redis:// and rediss://, and refuses a bad channel or logger', () => {
    expect(() => redisTransport('redis://localhost')).not.toThrow()
    expect(() => redisTransport('rediss://user:pass@redis.example.com:6380/2')).not.toThrow()
    expect(() => redisTransport({ url: 'redis://localhost', channel: '' })).toThrow(/channel must be a non-empty string/)
    expect(() => redisTransport({ url: 'redis://localhost', logger: {} as never })).toThrow(/`logger` must have `error` and `info`/)
  })

  it('names the server without its password in what it logs', async () => {
    const port = await freePort()
    const logger = { error: vi.fn(), info: vi.fn() }
    const transport = redisTransport({ url: `redis://user:secret@127.0.0.1:${port}/1`, logger })
    await transport.open(() => {})
    await transport.close()
    expect(logger.error).toHaveBeenCalledTimes(1)
    expect(logger.error.mock.calls[0][0]).toContain(`cannot reach Redis at redis://user@127.0.0.1:${port}/1 (`)
    expect(logger.error.mock.calls[0][0]).not.toContain('secret')
  })
})
