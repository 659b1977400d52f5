// roll build, end to end: the real bin bundles a copy of test/fixtures/dev-app, and the
// bundle runs with plain node.
import { existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appCopy, cleanUp, get, portIsFree, RollProcess, writeAppFile } from './helpers/roll-app.js'

afterEach(cleanUp)

async function build(dir: string, args: string[] = []) {
  const roll = RollProcess.roll(['build', ...args], dir)
  return { ...(await roll.exited), output: roll.output }
}

describe('roll build', () => {
  it('writes dist/server.mjs and its source map, and prints a size table and the build time', async () => {
    const dir = appCopy()
    const { code, output } = await build(dir)
    expect(code).toBe(0)
    expect(output).toMatch(/\[roll\] built src\/app\.ts in \d+ ms/)
    expect(output).toMatch(/dist\/server\.mjs +[\d.]+ kB +[\d.]+ kB/)
    expect(output).toMatch(/dist\/server\.mjs\.map +[\d.]+ kB/)
    const bundle = readFileSync(path.join(dir, 'dist/server.mjs'), 'utf8')
    // Minified, dependencies bundled: nothing is imported but Node's built-ins.
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000)
    const imported = [...bundle.matchAll(/from\s*["']([^"']+)["']/g)].map((match) => match[1]!.replace(/^node:/, ''))
    expect(imported.filter((name) => !builtinModules.includes(name))).toEqual([])
    expect(bundle).toMatch(/\/\/# sourceMappingURL=server\.mjs\.map\s*$/)
  })

  it('serves on PORT, answers /healthz, and on SIGTERM finishes an in-flight request, fires shutdown and exits 0', async () => {
    const dir = appCopy()
    expect((await build(dir)).code).toBe(0)
    const server = new RollProcess(process.execPath, ['dist/server.mjs'], dir, { PORT: '0' })
    const url = await server.url()
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'hello from version 1' })
    expect(await get(`${url}/healthz`)).toEqual({ status: 200, text: 'ok' })
    expect(server.output.match(/\[roll\] an unexpected error is logged in one line; to log its stack too, add traceback\(app\) from @roll\/framework\/extensions\n/g)).toHaveLength(1)
    // roll dev's pages for browsers are not in the production bundle.
    const browser = await fetch(`${url}/nope`, { headers: { Accept: 'text/html' } })
    expect([browser.status, browser.headers.get('content-type'), await browser.text()]).toEqual([404, 'text/plain; charset=utf-8', '/nope'])
    const slow = get(`${url}/slow?ms=700`)
    await server.waitFor(/slow request started/)
    server.child.kill('SIGTERM')
    await server.waitFor(/SIGTERM received/)
    expect(await slow).toEqual({ status: 200, text: 'slow done' })
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(server.output).toMatch(/shutdown fired/)
    expect(await portIsFree(Number(new URL(url).port))).toBe(true)
  })

  it('says nothing of traceback when the app uses it', async () => {
    const dir = appCopy()
    writeAppFile(dir, 'src/app.ts', [
      "import { Roll } from '@roll/framework'",
      "import { traceback } from '@roll/framework/extensions'",
      'export const app = new Roll()',
      'traceback(app)',
      "app.route('/', (_request, response) => { response.body = 'with traceback' })",
      '',
    ].join('\n'))
    expect((await build(dir)).code).toBe(0)
    const server = new RollProcess(process.execPath, ['dist/server.mjs'], dir, { PORT: '0' })
    const url = await server.url()
    expect(await get(`${url}/`)).toEqual({ status: 200, text: 'with traceback' })
    expect(server.output).not.toMatch(/traceback/)
    expect((await server.stop()).code).toBe(0)
  })

  it('keeps --external packages out of the bundle and --no-minify keeps it readable', async () => {
    const dir = appCopy()
    const { code } = await build(dir, ['--external', 'ws', '--no-minify', '--outfile', 'out/app.mjs'])
    expect(code).toBe(0)
    const bundle = readFileSync(path.join(dir, 'out/app.mjs'), 'utf8')
    // The framework loads ws at the first websocket upgrade: left out, it stays an import of the bundle.
    expect(bundle).toMatch(/import\("ws"\)/)
    expect(bundle).not.toMatch(/class WebSocketServer/)
    expect(bundle.split('\n').length).toBeGreaterThan(500)
  })

  it('exits 1 with esbuild\'s message, file:line:column and a code frame, on a build error', async () => {
    const dir = appCopy()
    writeAppFile(dir, 'src/message.ts', "import { missing } from './nowhere.js'\nexport const message = missing\n")
    const { code, output } = await build(dir)
    expect(code).toBe(1)
    expect(output).toMatch(/Could not resolve "\.\/nowhere\.js"/)
    expect(output).toMatch(/src\/message\.ts:1:24:\n\s+1 │ import \{ missing \} from '\.\/nowhere\.js'/)
    expect(output).toMatch(/roll: Build failed with 1 error\./)
    expect(existsSync(path.join(dir, 'dist/server.mjs'))).toBe(false)
  })

  it('bundles the module named by "roll.entry" in package.json, and --entry wins over it', async () => {
    const dir = appCopy()
    writeAppFile(dir, 'src/other.ts', "import { Roll } from '@roll/framework'\nconst app = new Roll()\napp.route('/', async (_q, r) => { r.body = 'other' })\nexport default app\n")
    writeAppFile(dir, 'package.json', JSON.stringify({ name: 'dev-app', type: 'module', roll: { entry: 'src/other.ts' } }))
    expect((await build(dir)).output).toMatch(/built src\/other\.ts/)
    expect((await build(dir, ['--entry', 'src/app.ts'])).output).toMatch(/built src\/app\.ts/)
  })
})
