import { afterEach, describe, expect, it } from 'vitest'
import { Roll, type WebSocketConnection } from '@roll/framework'
import { websocketsStore } from '@roll/framework/extensions'
import { createClient, type Client } from '@roll/framework/testing'
import { waitUntil } from '../../../test/helpers/wait-until.js'

let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
})

const until = (check: () => boolean) => waitUntil(String(check), check, 2_000)

describe('websocketsStore', () => {
  it("keeps the open websockets in app.get('websockets') and lets a handler broadcast", async () => {
    const app = new Roll()
    const store = websocketsStore(app)
    expect(app.get('websockets')).toBe(store)
    app.route('/chat', { protocol: 'websocket' }, async (request, ws) => {
      for await (const message of ws) {
        for (const socket of request.app.get('websockets') as Set<WebSocketConnection>) await socket.send(message)
      }
    })
    client = createClient(app)
    const [alice, bob] = [await client.websocket('/chat'), await client.websocket('/chat')]
    await until(() => store.size === 2)
    await alice.send('hello all')
    expect([await alice.recv(), await bob.recv()]).toEqual(['hello all', 'hello all'])
    await bob.close()
    await until(() => store.size === 1)
    await alice.close()
    await until(() => store.size === 0)
  })

  it('keeps an existing Set, and refuses anything else', () => {
    const app = new Roll()
    const existing = new Set<WebSocketConnection>()
    app.set('websockets', existing)
    expect(websocketsStore(app)).toBe(existing)
    const wrong = new Roll()
    wrong.set('websockets', [])
    expect(() => websocketsStore(wrong)).toThrow("app.get('websockets') must be a Set")
  })
})
