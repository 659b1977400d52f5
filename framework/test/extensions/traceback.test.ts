import { afterEach, describe, expect, it, vi } from 'vitest'
import { HttpError, Roll } from '@roll/framework'
import { traceback, TRACEBACK } from '@roll/framework/extensions'
import { createClient, type Client } from '@roll/framework/testing'

let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
  vi.restoreAllMocks()
})

function captureStderr(): string[] {
  const lines: string[] = []
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')) })
  return lines
}

describe('traceback', () => {
  it('marks the app, for a server to tell whether stacks are printed', () => {
    const app = new Roll()
    expect((app as unknown as Record<symbol, unknown>)[TRACEBACK]).toBeUndefined()
    traceback(app)
    expect((app as unknown as Record<symbol, unknown>)[TRACEBACK]).toBe(true)
    expect(TRACEBACK).toBe(Symbol.for('roll.traceback'))
  })

  it('prints the stack of the original error of a 500, message included, and keeps it out of the body', async () => {
    const stderr = captureStderr()
    const app = new Roll()
    traceback(app)
    app.route('/test', function failing() { throw new TypeError('Unhandled exception') })
    client = createClient(app)
    const response = await client.get('/test')
    expect(response.status).toBe(500)
    expect(response.text).toBe('Internal Server Error')
    const printed = stderr.find((line) => line.startsWith('TypeError: Unhandled exception'))
    expect(printed).toMatch(/\n\s+at failing/)
  })

  it('prints a thrown value that is not an Error', async () => {
    const stderr = captureStderr()
    const app = new Roll()
    traceback(app)
    app.route('/test', () => { throw 'a string' })
    client = createClient(app)
    expect((await client.get('/test')).status).toBe(500)
    expect(stderr).toContain('Thrown value: a string')
  })

  it('prints the HttpError itself for an explicit 500, and nothing for other statuses', async () => {
    const stderr = captureStderr()
    const app = new Roll()
    traceback(app)
    app.route('/500', () => { throw new HttpError(500, 'explicit') })
    app.route('/400', () => { throw new HttpError(400, 'bad') })
    client = createClient(app)
    await client.get('/400')
    await client.get('/nowhere')
    expect(stderr).toEqual([])
    await client.get('/500')
    expect(stderr).toHaveLength(1)
    expect(stderr[0]).toMatch(/^HttpError: explicit\n/)
  })
})
