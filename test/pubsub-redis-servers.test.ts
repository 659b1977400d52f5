// The websocket-keepalive template, built, on two servers (two `node dist/server.mjs` on
// two ports, as on two machines) with REDIS_URL set and a real redis-server: a message
// sent to one server reaches the other's websockets; while Redis is down each server goes
// on delivering to its own; once Redis is back, messages cross again by themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startRedis, type RedisServer } from './helpers/redis.js'
import { cleanUp, RollProcess, templateCopy, waitUntil } from './helpers/roll-app.js'

let redis: RedisServer
const servers: RollProcess[] = []
const sockets: WebSocket[] = []

beforeAll(async () => {
  redis = await startRedis()
  const dir = templateCopy('websocket-keepalive')
  const build = RollProcess.roll(['build'], dir)
  expect((await build.exited).code, build.output).toBe(0)
  for (let index = 0; index < 2; index++) {
    servers.push(new RollProcess(process.execPath, ['dist/server.mjs'], dir, { PORT: '0', REDIS_URL: redis.url }))
  }
  await Promise.all(servers.map((server) => server.waitFor(/Rolling on/)))
}, 60_000)

afterAll(async () => {
  for (const socket of sockets) socket.terminate()
  await cleanUp()
  await redis?.stop()
}, 20_000)

async function join(server: RollProcess): Promise<{ ws: WebSocket; got: string[] }> {
  const ws = new WebSocket(`${(await server.url()).replace('http', 'ws')}/ws`)
  sockets.push(ws)
  const got: string[] = []
  ws.on('message', (data) => got.push(String(data)))
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  return { ws, got }
}

describe('two servers of the app with REDIS_URL', () => {
  it('share their messages through Redis, keep delivering their own while it is down, and share again once it is back', async () => {
    const [first, second] = [await join(servers[0]), await join(servers[1])]
    // The servers subscribe to Redis as they start; a message crosses once both have.
    let attempt = 0
    await waitUntil('a message from the first server on the second', () => {
      first.ws.send(`hello ${++attempt}`)
      return second.got.some((text) => text.startsWith('hello'))
    }, 10_000, 200)
    const crossed = second.got.find((text) => text.startsWith('hello'))!
    expect(first.got).toContain(crossed)
    second.ws.send('and back')
    await waitUntil('the answer on the first server', () => first.got.includes('and back'))
    expect(second.got.filter((text) => text === 'and back')).toHaveLength(1)

    await redis.kill()
    first.ws.send('while Redis is down')
    await waitUntil('the first server delivering to its own websocket', () => first.got.includes('while Redis is down'))
    await waitUntil('each server saying once that Redis is gone', () => servers.every((server) => /Redis/.test(server.output)), 10_000)

    await redis.start()
    attempt = 0
    await waitUntil('messages crossing again', () => {
      second.ws.send(`back ${++attempt}`)
      return first.got.some((text) => text.startsWith('back'))
    }, 20_000, 250)
    expect(second.got.filter((text) => text === 'while Redis is down')).toEqual([])
    // Said in a line each time, never a stack.
    for (const server of servers) expect(server.output).not.toMatch(/\n\s+at /)
    for (const server of servers) expect(server.output.match(/lost the connection to Redis/g)).toHaveLength(1)
  }, 60_000)
})
