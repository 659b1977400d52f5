import { afterEach, describe, expect, it, vi } from 'vitest'
import { Roll } from '@roll/framework'
import { options } from '@roll/framework/extensions'
import { createClient, type Client } from '@roll/framework/testing'

let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
})

describe('options', () => {
  it('answers OPTIONS with an empty 200 without calling the route', async () => {
    const app = new Roll()
    options(app)
    const handler = vi.fn(() => { throw new Error('Should not be called.') })
    app.route('/test', { methods: ['GET', 'OPTIONS'] }, handler)
    client = createClient(app)
    const response = await client.options('/test')
    expect(response.status).toBe(200)
    expect(response.text).toBe('')
    expect(handler).not.toHaveBeenCalled()
  })

  it('answers OPTIONS even where the route does not list it, and leaves other methods alone', async () => {
    const app = new Roll()
    options(app)
    app.route('/test', (request, response) => { response.body = 'get' })
    client = createClient(app)
    expect((await client.options('/test')).status).toBe(200)
    expect((await client.get('/test')).text).toBe('get')
    expect((await client.post('/test')).status).toBe(405)
  })
})
