import { afterEach, describe, expect, it, vi } from 'vitest'
import { Roll } from '@roll/framework'
import { igniter } from '@roll/framework/extensions'
import { createClient } from '@roll/framework/testing'

afterEach(() => { vi.restoreAllMocks() })

describe('igniter', () => {
  it('prints a big banner at startup, and only then', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const app = new Roll()
    igniter(app)
    expect(log).not.toHaveBeenCalled()
    const client = createClient(app)
    await client.get('/')
    expect(log).toHaveBeenCalledOnce()
    const banner = String(log.mock.calls[0][0])
    expect(banner).toContain('|______\\___|\\__|  |___/   |_|  \\___/|_|_| ()')
    expect(banner.split('\n').length).toBeGreaterThan(5)
    await client.close()
  })
})
