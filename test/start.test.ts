// roll start, end to end: the built fixture app in cluster workers.
import { afterEach, describe, expect, it } from 'vitest'
import { appCopy, cleanUp, get, isAlive, portIsFree, RollProcess, waitUntil, writeAppFile } from './helpers/roll-app.js'

afterEach(cleanUp)

async function builtApp(): Promise<string> {
  const dir = appCopy()
  const build = RollProcess.roll(['build'], dir)
  expect((await build.exited).code).toBe(0)
  return dir
}

describe('roll start', () => {
  it('serves with --workers 2, replaces a crashed worker, and drains every worker on SIGTERM', async () => {
    const dir = await builtApp()
    const roll = RollProcess.roll(['start', '--workers', '2', '--port', '0'], dir)
    await roll.waitFor(/\[roll\] serving dist\/server\.mjs on http:\/\/127\.0\.0\.1:\d+ with 2 workers/)
    const url = await roll.url()
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'hello from version 1' })
    const workers = await waitUntil('two workers', () => (roll.children().length === 2 ? roll.children() : undefined))
    // Said once for both workers, and not again by the replacement below.
    await roll.waitFor(/add traceback\(app\)/)

    const mark = roll.mark()
    expect((await get(`${url}/crash`)).text).toBe('crashing')
    const crashed = Number((await roll.waitFor(/worker (\d+) exited \(code 3\), starting a new one/, { since: mark }))[1])
    expect(workers).toContain(crashed)
    const replaced = await waitUntil('a replacement worker', () => {
      const pids = roll.children()
      return pids.length === 2 && !pids.includes(crashed) ? pids : undefined
    })
    // Both workers answer again: the survivor and the replacement.
    const answered = new Set<string>()
    await waitUntil('both workers to answer', async () => {
      const reply = await get(`${url}/pid`)
      expect(reply.status).toBe(200)
      answered.add(reply.text)
      return replaced.every((pid) => answered.has(String(pid)))
    })

    const slow = get(`${url}/slow?ms=600`)
    await roll.waitFor(/slow request started/, { since: mark })
    roll.child.kill('SIGTERM')
    expect(await slow).toEqual({ status: 200, text: 'slow done' })
    expect(await roll.exited).toEqual({ code: 0, signal: null })
    expect(roll.output.match(/shutdown fired/g)?.length).toBe(2)
    expect(roll.output.match(/add traceback\(app\)/g)).toHaveLength(1)
    expect([...workers, ...replaced].filter(isAlive)).toEqual([])
    expect(await portIsFree(Number(new URL(url).port))).toBe(true)
  })

  it('gives up with exit code 1 when workers keep exiting at start-up', async () => {
    const dir = appCopy()
    writeAppFile(dir, 'broken.mjs', "console.error('cannot start'); process.exit(2)\n")
    const roll = RollProcess.roll(['start', '--bundle', 'broken.mjs', '--port', '0'], dir)
    expect((await roll.exited).code).toBe(1)
    expect(roll.output).toMatch(/\[roll\] workers keep exiting at start-up \(code 2\); giving up/)
    expect(roll.output.match(/cannot start/g)).toHaveLength(5)
  })

  it('says to build first when there is no bundle', async () => {
    const roll = RollProcess.roll(['start'], appCopy())
    expect((await roll.exited).code).toBe(1)
    expect(roll.output).toMatch(/roll: Cannot find dist\/server\.mjs\. Build the app first: roll build/)
  })
})
