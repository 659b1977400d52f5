// The websocket-keepalive template's page in a real Chromium, several tabs at once: under
// `roll start --workers 2`, with the tabs' websockets on both workers, a message typed in
// one tab shows in every tab; under `roll dev`, after an edit every tab reconnects within
// a second (the worker closes them with 1012) and the chat works again. Each step leaves
// a screenshot, named in the failure, so a failure shows what the pages showed.
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startBrowser, type TestBrowser } from './helpers/browser.js'
import { cleanUp, connectionsOf, RollProcess, templateCopy, waitUntil, writeAppFile } from './helpers/roll-app.js'

let chromium: TestBrowser
const shots = path.join(os.tmpdir(), `roll-browser-chat-${process.pid}`)

beforeAll(async () => { chromium = await startBrowser() }, 60_000)
afterAll(async () => { await chromium?.stop() }, 20_000)
afterEach(cleanUp)

/** When each tab opened a websocket (Date.now()), as Chromium reports it. */
const websocketsOpened = new Map<Page, number[]>()

async function openTabs(url: string, count: number): Promise<Page[]> {
  const context = await chromium.browser.newContext()
  const tabs: Page[] = []
  for (let index = 0; index < count; index++) {
    const tab = await context.newPage()
    const opened: number[] = []
    websocketsOpened.set(tab, opened)
    tab.on('websocket', () => opened.push(Date.now()))
    await tab.goto(url, { timeout: 15_000 })
    tabs.push(tab)
  }
  for (const tab of tabs) await tab.locator('#status[data-connections="1"]').waitFor({ timeout: 10_000 })
  return tabs
}

/** Saves a screenshot of every tab under `step`, and returns where, for the failure message. */
async function screenshots(tabs: Page[], step: string): Promise<string> {
  for (const [index, tab] of tabs.entries()) await tab.screenshot({ path: path.join(shots, `${step}-tab${index + 1}.png`) })
  return `screenshots in ${shots}/${step}-tab*.png`
}

async function say(tab: Page, text: string): Promise<void> {
  await tab.locator('#message:enabled').fill(text, { timeout: 5_000 })
  await tab.locator('#send').click()
}

async function everyTabShows(tabs: Page[], text: string, step: string): Promise<void> {
  try {
    for (const tab of tabs) await tab.locator('#log li', { hasText: text }).first().waitFor({ timeout: 5_000 })
  } finally {
    const where = await screenshots(tabs, step)
    for (const [index, tab] of tabs.entries()) {
      expect(await tab.locator('#log li', { hasText: text }).count(), `tab ${index + 1} (${where})`).toBe(1)
    }
  }
}

describe('the websocket-keepalive page in Chromium', () => {
  it('under roll start --workers 2, shows a message typed in one tab in every tab, whichever worker serves it', async () => {
    const dir = templateCopy('websocket-keepalive')
    const build = RollProcess.roll(['build'], dir)
    expect((await build.exited).code, build.output).toBe(0)
    const roll = RollProcess.roll(['start', '--workers', '2', '--port', '0'], dir)
    await roll.waitFor(/with 2 workers/, { timeout: 20_000 })
    const url = await roll.url()
    const port = Number(new URL(url).port)
    const tabs = await openTabs(url, 4)
    // Once the page loads' keep-alive connections have timed out (5 s), a worker's
    // connections on the port are its tabs' websockets.
    const workers = roll.children()
    const perWorker = await waitUntil('only the 4 websockets left', () => {
      const counts = workers.map((pid) => connectionsOf(pid, port))
      return counts.reduce((sum, count) => sum + count, 0) === 4 ? counts : undefined
    }, 15_000, 200)
    expect(perWorker.every((count) => count > 0), `websockets per worker: ${perWorker}`).toBe(true)

    await say(tabs[0], 'hello from tab 1')
    await everyTabShows(tabs, 'hello from tab 1', 'start-1')
    await say(tabs[3], 'and from tab 4')
    await everyTabShows(tabs, 'and from tab 4', 'start-2')
  }, 90_000)

  it('under roll dev, after an edit every tab reconnects within a second and the chat works again', async () => {
    const dir = templateCopy('websocket-keepalive')
    const roll = RollProcess.roll(['dev', '--port', '0'], dir)
    const url = await roll.url()
    const tabs = await openTabs(url, 3)
    const mark = roll.mark()
    const source = readFileSync(path.join(dir, 'src/app.ts'), 'utf8')
    const edited = Date.now()
    writeAppFile(dir, 'src/app.ts', `${source}\n// edited while three tabs are open\n`)
    await roll.waitFor(/restarted in \d+ ms/, { since: mark, timeout: 15_000 })
    try {
      for (const tab of tabs) await tab.locator('#status[data-connections="2"]').waitFor({ timeout: 5_000 })
    } finally {
      await screenshots(tabs, 'dev-reconnected')
    }
    for (const tab of tabs) expect(await tab.locator('#status').innerText()).toBe('Connected again.')
    // Each tab's second websocket, opened once the worker closed the first with 1012.
    const reconnects = tabs.map((tab) => websocketsOpened.get(tab)![1] - edited)
    expect(Math.max(...reconnects), `ms from the edit to each tab's new websocket: ${reconnects}`).toBeLessThan(1_000)
    await say(tabs[1], 'after the edit')
    await everyTabShows(tabs, 'after the edit', 'dev-chat')
  }, 60_000)
})
