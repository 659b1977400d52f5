// The documentation site as a reader meets it: `vitepress build docs` succeeds (it fails on
// a dead internal link), and in a real Chromium the home page, a tutorial and the
// reference (with its Mermaid diagram) render, and the local search finds "content negotiation". One screenshot per
// page checked, in node_modules/.docs-browser/screenshots/ (named in a failure). One
// browser for the file.
import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowser, type TestBrowser } from './helpers/browser.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = join(root, 'node_modules/.docs-browser')
const site = join(out, 'site')
const shots = join(out, 'screenshots')
const BASE = '/roll/'

let build: { code: number | null, output: string }
let server: Server
let url: string
let chromium: TestBrowser

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.json': 'application/json', '.woff2': 'font/woff2', '.png': 'image/png', '.ico': 'image/x-icon',
}

/** The built site under BASE, as GitHub Pages serves it: /x is x.html, /x/ is x/index.html. */
function serveSite(): Server {
  return createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    if (!path.startsWith(BASE)) return void response.writeHead(404).end()
    const file = normalize(join(site, path.slice(BASE.length)))
    const candidates = [file, `${file}.html`, join(file, 'index.html')]
    const found = file.startsWith(site) ? candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) : undefined
    if (!found) return void response.writeHead(404, { 'Content-Type': 'text/html' }).end('not found')
    response.writeHead(200, { 'Content-Type': TYPES[extname(found)] ?? 'application/octet-stream' })
    createReadStream(found).pipe(response)
  })
}

beforeAll(async () => {
  await rm(out, { recursive: true, force: true })
  await mkdir(shots, { recursive: true })
  const vitepress = join(root, 'node_modules/.bin/vitepress')
  build = await new Promise((done) => {
    execFile(vitepress, ['build', 'docs', '--outDir', site], { cwd: root, timeout: 90_000, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` })
    })
  })
  server = serveSite().listen(0, '127.0.0.1')
  await once(server, 'listening')
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}${BASE}`
  chromium = await startBrowser()
}, 120_000)

afterAll(async () => {
  await chromium?.stop()
  server?.close()
}, 20_000)

// A heading's text without the zero-width anchor VitePress appends.
const heading = (text: string) => text.replace(/\u200b/g, '').trim()

async function open(path: string, name: string): Promise<Page> {
  const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 } })
  const failed: string[] = []
  page.on('pageerror', (error) => failed.push(error.message))
  const response = await page.goto(`${url}${path}`, { timeout: 15_000, waitUntil: 'networkidle' })
  expect(response?.status()).toBe(200)
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false })
  expect(failed, `page errors on ${path}; screenshot ${join(shots, `${name}.png`)}`).toEqual([])
  return page
}

describe('the documentation site', () => {
  it('builds with no dead internal link', () => {
    expect(build.output).not.toMatch(/dead link/i)
    expect(build.code, build.output).toBe(0)
    expect(existsSync(join(site, 'index.html'))).toBe(true)
  })

  it('renders the home page, with its example and its way in', async () => {
    const page = await open('', 'home')
    expect(await page.locator('.VPHero .name').innerText()).toBe('Roll')
    expect(await page.locator('.VPHero .tagline').innerText()).toContain('pick three')
    await expect.poll(() => page.locator('.vp-doc pre').first().innerText()).toContain("app.route('/hello/{parameter}'")
    expect(await page.locator('a.VPButton', { hasText: 'Your first app' }).getAttribute('href')).toBe(`${BASE}tutorials/first-app`)
    await page.close()
  })

  it('renders a tutorial: its title, its code and the sidebar', async () => {
    const page = await open('tutorials/chat', 'tutorial-chat')
    expect(heading(await page.locator('.vp-doc h1').innerText())).toBe('A websocket chat that scales to several workers')
    expect(await page.locator('.vp-doc pre').count()).toBeGreaterThan(3)
    expect(await page.locator('.VPSidebar').innerText()).toContain('Your first app')
    await page.close()
  })

  it('renders the reference, linking every page of it', async () => {
    const page = await open('reference/', 'reference')
    expect(heading(await page.locator('.vp-doc h1').innerText())).toBe('Reference')
    const links = await page.locator('.vp-doc table a').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href))
    for (const name of ['core', 'websockets', 'extensions', 'testing', 'cluster', 'cli', 'environment', 'templates']) {
      expect(links).toContain(`${url}reference/${name}`)
    }
    // The request lifecycle, drawn by Mermaid.
    await expect.poll(() => page.locator('.vp-doc .mermaid svg').count(), { timeout: 10_000 }).toBe(1)
    expect(await page.locator('.vp-doc .mermaid svg').textContent()).toContain('request event')
    await page.screenshot({ path: join(shots, 'reference.png') })
    // A link followed as a reader does: the page of the roll command, with its flags.
    await page.locator('.vp-doc table a', { hasText: 'The roll command' }).first().click()
    await expect.poll(() => page.locator('.vp-doc h1').innerText().then(heading)).toBe('The roll command: @roll/cli')
    expect(await page.locator('.vp-doc').innerText()).toContain('--workers')
    await page.close()
  })

  it('finds "content negotiation" with its search', async () => {
    const page = await open('', 'search')
    await page.locator('.VPNavBarSearch button').click()
    const input = page.locator('#localsearch-input')
    await input.fill('content negotiation')
    const first = page.locator('.VPLocalSearchBox .results li').first()
    await expect.poll(() => first.innerText(), { timeout: 10_000 }).toMatch(/content negotiation/i)
    await page.screenshot({ path: join(shots, 'search.png') })
    const hrefs = await page.locator('.VPLocalSearchBox .results a').evaluateAll((anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href))
    expect(hrefs.some((href) => href.startsWith(`${url}guide/advanced/content-negotiation`))).toBe(true)
    await page.close()
  })
})
