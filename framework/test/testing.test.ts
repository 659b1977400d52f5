// The test clients of '@roll/framework/testing' themselves: what their shortcuts send,
// which headers they add, and how the live client fails once closed.
import { afterEach, describe, expect, test } from 'vitest'
import { HTTP_METHODS, Roll } from '@roll/framework'
import { createClient, createLiveClient, type Client } from '@roll/framework/testing'

let clients: Client[] = []
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()))
  clients = []
})

/** An app whose /test answers every method with `METHOD content-type`. */
function echoApp(): Roll {
  const app = new Roll()
  app.route('/test', { methods: [...HTTP_METHODS] }, (request, response) => {
    response.headers['X-Method'] = request.method
    response.body = `${request.method} ${request.contentType}`
  })
  return app
}

const SHORTCUTS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'connect'] as const

describe('createClient', () => {
  test.each(SHORTCUTS)('%s() sends its method', async (shortcut) => {
    const client = createClient(echoApp())
    clients.push(client)
    const response = await client[shortcut]('/test')
    expect(response.headers['x-method']).toBe(shortcut.toUpperCase())
  })

  test('keeps a Content-Type given by hand over the one of json, form or files', async () => {
    const client = createClient(echoApp())
    clients.push(client)
    const type = { 'Content-Type': 'application/vnd.api+json' }
    expect((await client.post('/test', { json: { a: 1 }, headers: type })).text).toBe('POST application/vnd.api+json')
    expect((await client.post('/test', { form: { a: 1 }, headers: type })).text).toBe('POST application/vnd.api+json')
    expect((await client.post('/test', { json: { a: 1 } })).text).toBe('POST application/json; charset=utf-8')
  })
})

describe('createLiveClient', () => {
  test.each(SHORTCUTS.filter((shortcut) => shortcut !== 'connect'))('%s() sends its method', async (shortcut) => {
    const client = await createLiveClient(echoApp())
    clients.push(client)
    const response = await client[shortcut]('/test')
    expect(response.headers['x-method']).toBe(shortcut.toUpperCase())
  })

  test('serves on 127.0.0.1 and a free port', async () => {
    const client = await createLiveClient(echoApp())
    clients.push(client)
    expect(client.url).toBe(`http://127.0.0.1:${client.port}`)
    expect(client.wsUrl).toBe(`ws://127.0.0.1:${client.port}`)
    expect(client.port).toBeGreaterThan(0)
  })

  test('rejects a request sent after close() instead of throwing out of band', async () => {
    const client = await createLiveClient(echoApp())
    await client.close()
    await expect(client.get('/test')).rejects.toThrow(/ECONNREFUSED/)
  })
})
