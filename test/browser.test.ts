// roll dev's pages for browsers, in a real Chromium: what a person sees on an unknown path
// and on an unexpected error, with a path and an error message that hold a <script>, which
// must be shown as text and never run. One browser for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowser, type TestBrowser } from './helpers/browser.js'
import { appCopy, cleanUp, RollProcess, writeAppFile } from './helpers/roll-app.js'

let chromium: TestBrowser
let url: string

const app = [
  "import { Roll } from '@roll/framework'",
  'export const app = new Roll()',
  "app.route('/', (_request, response) => { response.body = 'home' })",
  "app.route('/items/{id:digit}', { methods: ['GET', 'POST'] }, () => {})",
  "app.route('/boom', () => {",
  "  throw new Error('kaboom <script>window.ran = true</script>')",
  '})',
  '',
].join('\n')

beforeAll(async () => {
  chromium = await startBrowser()
  const dir = appCopy()
  writeAppFile(dir, 'src/app.ts', app)
  url = await RollProcess.roll(['dev', '--port', '0'], dir).url()
}, 60_000)
afterAll(async () => {
  await chromium?.stop()
  cleanUp()
}, 20_000)

async function open(path: string) {
  const page = await chromium.browser.newPage()
  const dialogs: string[] = []
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss() })
  const response = await page.goto(`${url}${path}`, { timeout: 15_000 })
  return { page, status: response?.status(), dialogs }
}

describe('roll dev in Chromium', () => {
  it('shows an unknown path as a 404 page that lists the routes, the path as text', async () => {
    const { page, status } = await open('/%3Cscript%3Ewindow.ran=true%3C/script%3E')
    expect(status).toBe(404)
    expect(await page.title()).toBe('404 Not Found')
    const text = await page.locator('body').innerText()
    expect(text).toContain('No route matches GET /<script>window.ran=true</script>')
    expect(await page.locator('tr').allInnerTexts()).toEqual(['GET\t/\t', 'GET, POST\t/items/{id:digit}\t', 'GET\t/boom\t'])
    expect(await page.evaluate('window.ran')).toBeUndefined()
    expect(await page.locator('script').count()).toBe(0)
    await page.close()
  })

  it('shows an unexpected error as a 500 page with the message as text and the line of src/app.ts', async () => {
    const { page, status } = await open('/boom')
    expect(status).toBe(500)
    expect(await page.title()).toBe('500 Error: kaboom <script>window.ran = true</script>')
    const text = await page.locator('body').innerText()
    expect(text).toContain('GET /boom failed with Error: kaboom <script>window.ran = true</script>')
    expect(text).toContain('In src/app.ts:6:9:')
    expect(await page.locator('.mark').innerText()).toBe("   6 │   throw new Error('kaboom <script>window.ran = true</script>')")
    expect(await page.evaluate('window.ran')).toBeUndefined()
    await page.close()
  })

  it('serves the app itself as usual', async () => {
    const { page, status } = await open('/')
    expect(status).toBe(200)
    expect(await page.locator('body').innerText()).toBe('home')
    await page.close()
  })
})
