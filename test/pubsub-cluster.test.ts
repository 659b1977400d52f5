// The pubsub hub under `roll start --workers 3`: a message reaches the subscribers of every
// worker exactly once and in order, a crashed worker does not stop the others, and SIGTERM
// closes every websocket with 1001.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtAppCopy, cleanUp, RollProcess, waitUntil } from './helpers/roll-app.js'
import { joinChat, type Peer } from './helpers/websocket-peers.js'

let roll: RollProcess
let url: string
const peers: Peer[] = []

beforeAll(async () => {
  const dir = await builtAppCopy('pubsub-app')
  roll = RollProcess.roll(['start', '--workers', '3', '--port', '0'], dir)
  await roll.waitFor(/with 3 workers/)
  url = (await roll.url()).replace('http', 'ws')
}, 60_000)

afterAll(async () => {
  for (const { ws } of peers) ws.terminate()
  await cleanUp()
})

async function join(): Promise<Peer> {
  const peer = await joinChat(`${url}/chat`)
  peers.push(peer)
  return peer
}

/** Peers until each of `pids` (all three workers) has two. */
async function spreadOver(pids: number[]): Promise<Peer[]> {
  const mine: Peer[] = []
  await waitUntil(`two peers on each of ${pids.join(', ')}`, async () => {
    mine.push(await join())
    return pids.every((pid) => mine.filter((peer) => peer.pid === pid).length >= 2)
  }, 20_000, 0)
  return mine.filter((peer) => pids.includes(peer.pid))
}

const workersOf = (mine: Peer[]) => new Set(mine.map((peer) => peer.pid)).size

describe('pubsub under roll start --workers 3', () => {
  it('delivers each message once to every other subscriber, whichever worker it is on, in publish order', async () => {
    const mine = await spreadOver(roll.children())
    expect(workersOf(mine)).toBe(3)
    const [sender, ...others] = mine
    const sent = Array.from({ length: 50 }, (_, index) => `message ${index} from ${sender.pid}`)
    for (const message of sent) sender.ws.send(message)
    await waitUntil('every peer got all 50', () => others.every((peer) => peer.got.length >= sent.length), 10_000)
    await new Promise((resolve) => setTimeout(resolve, 200))
    for (const peer of others) expect(peer.got).toEqual(sent)
    expect(sender.got).toEqual([])
    for (const peer of mine) peer.got.length = 0
  }, 40_000)

  it('goes on among the other workers when one crashes, and reaches its replacement', async () => {
    const pids = roll.children()
    const victim = pids[0]
    const mark = roll.mark()
    process.kill(victim, 'SIGKILL')
    await roll.waitFor(new RegExp(`worker ${victim} exited`), { since: mark })
    const live = peers.filter((peer) => peer.pid !== victim && peer.closed === undefined)
    const [sender, ...others] = live
    sender.ws.send('after the crash')
    await waitUntil('the survivors got it', () => others.every((peer) => peer.got.includes('after the crash')), 10_000)
    const replacement = await waitUntil('a replacement worker', () => roll.children().find((pid) => !pids.includes(pid)), 10_000)
    const [newcomer] = await spreadOver([replacement])
    sender.ws.send('to the newcomer too')
    await waitUntil('the newcomer got it', () => newcomer.got.includes('to the newcomer too'), 10_000)
    for (const peer of others) expect(peer.got.filter((text) => text === 'after the crash')).toHaveLength(1)
  }, 40_000)

  it('closes every websocket with 1001 on SIGTERM', async () => {
    const open = peers.filter((peer) => peer.closed === undefined)
    expect(open.length).toBeGreaterThan(3)
    expect(await roll.stop('SIGTERM', 20_000)).toEqual({ code: 0, signal: null })
    await waitUntil('every close seen', () => open.every((peer) => peer.closed !== undefined), 5_000)
    expect(open.map((peer) => peer.closed)).toEqual(open.map(() => 1001))
  }, 30_000)
})
