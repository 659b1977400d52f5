// Websockets under roll dev: a restart closes them with 1012 (Service Restart) as soon as
// the new worker serves, and stopping roll dev closes them with 1001 (Going Away); a peer
// never sees 1006.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appCopy, cleanUp, RollProcess, waitUntil, writeAppFile } from './helpers/roll-app.js'
import { joinChat } from './helpers/websocket-peers.js'

afterEach(cleanUp)

describe('websockets under roll dev', () => {
  it('are closed with 1012 when a change restarts the app, reconnect to the new worker, and get 1001 when roll dev stops', async () => {
    const dir = appCopy('pubsub-app')
    const roll = RollProcess.roll(['dev', '--port', '0'], dir)
    const chat = `${(await roll.url()).replace('http', 'ws')}/chat`
    const before = await Promise.all([joinChat(chat), joinChat(chat), joinChat(chat)])
    const mark = roll.mark()
    const source = readFileSync(path.join(dir, 'src/app.ts'), 'utf8')
    writeAppFile(dir, 'src/app.ts', `${source}\n// edited\n`)
    await roll.waitFor(/restarted in \d+ ms/, { since: mark })
    const restartedAt = Date.now()
    await waitUntil('every peer closed', () => before.every((peer) => peer.closed !== undefined), 3_000)
    expect(before.map((peer) => peer.closed)).toEqual([1012, 1012, 1012])
    // Closed as soon as the new worker served, not after the 5 s drain.
    for (const peer of before) expect(peer.closedAt! - restartedAt).toBeLessThan(2_000)

    const after = await Promise.all([joinChat(chat), joinChat(chat)])
    expect(after[0].pid).not.toBe(before[0].pid)
    after[0].ws.send('after the restart')
    await waitUntil('the other got it', () => after[1].got.includes('after the restart'))

    expect(await roll.stop('SIGTERM')).toMatchObject({ code: 0 })
    await waitUntil('every peer closed', () => after.every((peer) => peer.closed !== undefined), 3_000)
    expect(after.map((peer) => peer.closed)).toEqual([1001, 1001])
  }, 40_000)
})
