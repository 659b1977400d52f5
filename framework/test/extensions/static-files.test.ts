import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { Roll } from '@roll/framework'
import { namedUrl, staticFiles, type StaticFilesOptions } from '@roll/framework/extensions'
import { createClient, createLiveClient, type Client } from '@roll/framework/testing'
import { rawConnection } from '../_raw-http.js'

// root/  index.html style.css data.bin sub/index.html empty/ inside -> style.css
//        escape -> ../secret.txt  outdir -> ..  sub/up -> ../../secret.txt
// secret.txt next to root; medias/ a second root.
let base: string
let root: string
let medias: string
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'roll-static-'))
  root = join(base, 'static')
  medias = join(base, 'medias')
  mkdirSync(join(root, 'sub'), { recursive: true })
  mkdirSync(join(root, 'empty'))
  mkdirSync(medias)
  writeFileSync(join(root, 'index.html'), '<h1>Test</h1>')
  writeFileSync(join(root, 'style.css'), 'body { color: chocolate }')
  writeFileSync(join(root, 'data.bin'), Buffer.from([0, 1, 2, 255]))
  writeFileSync(join(root, 'sub', 'index.html'), '<h1>Subtest</h1>')
  writeFileSync(join(base, 'secret.txt'), 'top secret')
  writeFileSync(join(medias, 'song.mp3'), 'la la la')
  symlinkSync(join(root, 'style.css'), join(root, 'inside.css'))
  symlinkSync(join(base, 'secret.txt'), join(root, 'escape.txt'))
  symlinkSync(base, join(root, 'outdir'))
  symlinkSync('../../secret.txt', join(root, 'sub', 'up.txt'))
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
  vi.restoreAllMocks()
})

function serving(options: StaticFilesOptions = {}): Client {
  const app = new Roll()
  staticFiles(app, { root, ...options })
  client = createClient(app)
  return client
}

describe('staticFiles', () => {
  it('serves files with the Content-Type of their extension and their length', async () => {
    const client = serving()
    const html = await client.get('/static/index.html')
    expect([html.status, html.text]).toEqual([200, '<h1>Test</h1>'])
    expect(html.headers['content-type']).toMatch(/^text\/html(; charset=utf-8)?$/)
    expect(html.headers['content-length']).toBe('13')
    const sub = await client.get('/static/sub/index.html')
    expect(sub.text).toBe('<h1>Subtest</h1>')
    const css = await client.get('/static/style.css')
    expect(css.text).toContain('chocolate')
    expect(css.headers['content-type']).toMatch(/^text\/css/)
    const bin = await client.get('/static/data.bin')
    expect(bin.body).toEqual(Buffer.from([0, 1, 2, 255]))
    expect(bin.headers['content-type']).toBe('application/octet-stream')
  })

  it('registers its route at startup, as Roll does', async () => {
    const app = new Roll()
    staticFiles(app, { root })
    expect(app.lookup('/static/index.html').payload).toBeNull()
    await app.startup()
    expect(app.lookup('/static/index.html').payload).not.toBeNull()
  })

  it('serves the defaultIndex of a folder, and 404 for a folder without one', async () => {
    const client = serving({ defaultIndex: 'index.html' })
    expect((await client.get('/static/')).text).toBe('<h1>Test</h1>')
    expect((await client.get('/static/sub/')).text).toBe('<h1>Subtest</h1>')
    expect((await client.get('/static/sub')).text).toBe('<h1>Subtest</h1>')
    expect((await client.get('/static/empty/')).status).toBe(404)
    const noIndex = serving()
    expect((await noIndex.get('/static/')).status).toBe(404)
    expect((await noIndex.get('/static/sub/')).status).toBe(404)
  })

  it('answers 404 for a missing file', async () => {
    const response = await serving().get('/static/missing.txt')
    expect(response.status).toBe(404)
    expect(response.text).toBe('Not Found')
  })

  it('serves under a custom prefix, with or without its trailing slash', async () => {
    expect((await serving({ prefix: '/foo' }).get('/foo/index.html')).text).toBe('<h1>Test</h1>')
    expect((await serving({ prefix: '/assets/v1/' }).get('/assets/v1/style.css')).status).toBe(200)
    expect(() => staticFiles(new Roll(), { prefix: 'static' })).toThrow("prefix must start with '/'")
  })

  it('can be registered twice with different names', async () => {
    const app = new Roll()
    staticFiles(app, { root, prefix: '/static/', name: 'statics' })
    staticFiles(app, { root: medias, prefix: '/medias/', name: 'medias' })
    const urlFor = namedUrl(app)
    client = createClient(app)
    expect((await client.get('/medias/song.mp3')).text).toBe('la la la')
    expect((await client.get('/static/index.html')).status).toBe(200)
    expect(urlFor('statics', { path: 'myfile.png' })).toBe('/static/myfile.png')
    expect(urlFor('medias', { path: 'myfile.mp3' })).toBe('/medias/myfile.mp3')
  })

  it("is named 'static' for urlFor by default", async () => {
    const app = new Roll()
    staticFiles(app, { root })
    const urlFor = namedUrl(app)
    await app.startup()
    expect(urlFor('static', { path: 'path/myfile.png' })).toBe('/static/path/myfile.png')
  })

  it('accepts a root that does not exist, warns once at startup naming it, and answers 404 until it exists', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const app = new Roll()
    const missing = join(base, 'later')
    staticFiles(app, { root: missing, prefix: '/later/' })
    client = createClient(app)
    expect((await client.get('/later/file.txt')).status).toBe(404)
    expect((await client.get('/later/file.txt')).status).toBe(404)
    expect(warn.mock.calls).toEqual([[
      `staticFiles(): the \`root\` folder '${missing}' does not exist, so /later/ answers 404 until it does; create it or pass another \`root\`.`,
    ]])
    mkdirSync(missing)
    writeFileSync(join(missing, 'file.txt'), 'here now')
    expect((await client.get('/later/file.txt')).text).toBe('here now')
  })

  it('can be registered twice with roots that do not exist, as in Roll', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const app = new Roll()
    staticFiles(app, { root: join(base, 'nope'), prefix: '/static/', name: 'statics' })
    staticFiles(app, { root: join(base, 'nada'), prefix: '/medias/', name: 'medias' })
    const urlFor = namedUrl(app)
    await app.startup()
    expect(urlFor('statics', { path: 'myfile.png' })).toBe('/static/myfile.png')
    expect(urlFor('medias', { path: 'myfile.mp3' })).toBe('/medias/myfile.mp3')
  })

  it('streams a file through a real server', async () => {
    const app = new Roll()
    staticFiles(app, { root })
    const live = await createLiveClient(app)
    client = live
    const response = await live.get('/static/style.css')
    expect([response.status, response.text]).toEqual([200, 'body { color: chocolate }'])
  })

  it('follows symlinks that stay inside root', async () => {
    expect((await serving().get('/static/inside.css')).text).toContain('chocolate')
  })
})

describe('staticFiles never serves anything outside root', () => {
  const attacks: Array<[string, string]> = [
    ['.. segments', '/static/../../secret.txt'],
    ['.. after a folder', '/static/sub/../../secret.txt'],
    ['encoded dots', '/static/%2e%2e/secret.txt'],
    ['upper-case encoded dots', '/static/%2E%2E/%2E%2E/secret.txt'],
    ['encoded slashes', '/static/..%2fsecret.txt'],
    ['an encoded slash alone', '/static/sub%2findex.html'],
    ['an absolute path', '/static//etc/passwd'],
    ['an encoded absolute path', '/static/%2fetc%2fpasswd'],
    ['backslashes', '/static/..\\secret.txt'],
    ['encoded backslashes', '/static/..%5csecret.txt'],
    ['a NUL byte', '/static/index.html%00.css'],
    ['a symlink to a file outside', '/static/escape.txt'],
    ['a symlink to a folder outside', '/static/outdir/secret.txt'],
    ['a relative symlink leading out', '/static/sub/up.txt'],
    ['double encoding', '/static/%252e%252e/secret.txt'],
  ]
  for (const [what, path] of attacks) {
    it(`refuses ${what} with a 4xx and no file-system path in the body, in-process and over a socket`, async () => {
      const app = new Roll()
      staticFiles(app, { root })
      const live = await createLiveClient(app)
      try {
        for (const response of [await serving().get(path), await live.get(path)]) {
          expect(response.status).toBeGreaterThanOrEqual(400)
          expect(response.status).toBeLessThan(500)
          expect(response.text).not.toContain('secret')
          expect(response.text).not.toContain(base)
        }
      } finally {
        await live.close()
      }
    })
  }

  it('answers 400 to traversal attempts, as Roll does', async () => {
    const client = serving()
    expect((await client.get('/static/../../README.md')).status).toBe(400)
    expect((await client.get('/static/%2e%2e/%2e%2e/README.md')).status).toBe(400)
  })
})

describe('staticFiles, beyond the shared tree', () => {
  let folder: string
  beforeAll(() => {
    // folder/  pub/  README  nested/index.html/ (a folder)  sibling -> ../pub-secret/key.txt
    //          pub-secret/key.txt (outside root, though its path starts with root's)
    folder = mkdtempSync(join(tmpdir(), 'roll-static-more-'))
    mkdirSync(join(folder, 'pub', 'nested', 'index.html'), { recursive: true })
    mkdirSync(join(folder, 'pub-secret'))
    writeFileSync(join(folder, 'pub', 'README'), 'read me')
    writeFileSync(join(folder, 'pub-secret', 'key.txt'), 'secret key')
    symlinkSync(join(folder, 'pub-secret', 'key.txt'), join(folder, 'pub', 'sibling.txt'))
  })
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('serves a file without a known extension as application/octet-stream', async () => {
    const response = await serving({ root: join(folder, 'pub') }).get('/static/README')
    expect([response.status, response.text, response.headers['content-type']]).toEqual([200, 'read me', 'application/octet-stream'])
  })

  it('answers 404 to a symlink into a sibling folder whose name starts with the root folder name', async () => {
    const response = await serving({ root: join(folder, 'pub') }).get('/static/sibling.txt')
    expect(response.status).toBe(404)
    expect(response.text).not.toContain('secret')
  })

  it('answers 404 when the defaultIndex of a folder is itself a folder', async () => {
    const response = await serving({ root: join(folder, 'pub'), defaultIndex: 'index.html' }).get('/static/nested/')
    expect(response.status).toBe(404)
  })

  it("answers 400 'Invalid file path' to a suspicious path", async () => {
    const response = await serving({ root: join(folder, 'pub') }).get('/static/a%2fb')
    expect([response.status, response.text]).toEqual([400, 'Invalid file path'])
  })

  it("names its route 'static' for namedUrl by default", async () => {
    const app = new Roll()
    const urlFor = namedUrl(app)
    staticFiles(app, { root: join(folder, 'pub') })
    client = createClient(app)
    await client.get('/static/README')
    expect(urlFor('static', { path: 'css/site.css' })).toBe('/static/css/site.css')
  })
})

describe('staticFiles streams the very file it checked', () => {
  // folder/  pub/  secret.txt (outside root, as long as pub/swap.txt)
  let folder: string
  let pub: string
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'roll-static-swap-'))
    pub = join(folder, 'pub')
    mkdirSync(pub)
    writeFileSync(join(folder, 'secret.txt'), 'secret text')
  })
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  // Linux only: which files this process holds open.
  const isOpen = (file: string) => readdirSync('/proc/self/fd').some((fd) => {
    try { return readlinkSync(`/proc/self/fd/${fd}`) === realpathSync(file) } catch { return false }
  })

  const swaps: Array<[string, (path: string) => void]> = [
    ['a symlink out of root', (path) => { rmSync(path); symlinkSync(join(folder, 'secret.txt'), path) }],
    ['another file', (path) => { writeFileSync(`${path}.new`, 'secret text'); renameSync(`${path}.new`, path) }],
  ]
  for (const [what, swap] of swaps) {
    it(`does not serve ${what} put in place of the file between its check and its opening`, async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
      const swapping = () => {
        const app = new Roll()
        staticFiles(app, { root: pub })
        // The handler has checked the path; the file is opened when the body is written, after this.
        app.listen('response', () => swap(join(pub, 'swap.txt')))
        return app
      }
      writeFileSync(join(pub, 'swap.txt'), 'public text')
      client = createClient(swapping())
      await expect(client.get('/static/swap.txt')).rejects.toThrow('cut short')
      writeFileSync(join(pub, 'swap.txt'), 'public text')
      const live = await createLiveClient(swapping())
      try {
        expect(await live.get('/static/swap.txt').then((response) => response.text, () => '')).not.toContain('secret')
      } finally {
        await live.close()
        rmSync(join(pub, 'swap.txt'))
      }
      expect(String(logged.mock.calls[0])).toContain('changed between its check and its opening')
    })
  }

  it('keeps streaming the file it opened when another is renamed over it', async () => {
    const size = 1024 * 1024
    writeFileSync(join(pub, 'big.txt'), 'a'.repeat(size))
    const app = new Roll()
    staticFiles(app, { root: pub })
    app.listen('response', (request, response) => {
      const chunks = response.body as AsyncIterable<Buffer>
      response.body = (async function* () {
        let first = true
        for await (const chunk of chunks) {
          yield chunk
          if (first) {
            writeFileSync(join(pub, 'other.txt'), 'b'.repeat(size))
            renameSync(join(pub, 'other.txt'), join(pub, 'big.txt'))
            first = false
          }
        }
      })()
    })
    client = createClient(app)
    const response = await client.get('/static/big.txt')
    expect(response.body.length).toBe(size)
    expect(response.text).toBe('a'.repeat(size))
  })

  it.skipIf(process.platform !== 'linux')('closes the file when the client leaves mid-stream, and opens none for a body never written', async () => {
    writeFileSync(join(pub, 'huge.bin'), Buffer.alloc(32 * 1024 * 1024))
    const app = new Roll()
    staticFiles(app, { root: pub })
    const live = await createLiveClient(app)
    try {
      const connection = await rawConnection(live.port)
      connection.socket.write('GET /static/huge.bin HTTP/1.1\r\nHost: t\r\n\r\n')
      await connection.waitFor('200 OK')
      connection.socket.pause()
      expect(isOpen(join(pub, 'huge.bin'))).toBe(true)
      connection.socket.destroy()
      await vi.waitFor(() => expect(isOpen(join(pub, 'huge.bin'))).toBe(false))
    } finally {
      await live.close()
    }
    app.listen('response', (request, response) => { response.body = 'replaced' })
    client = createClient(app)
    expect((await client.get('/static/huge.bin')).text).toBe('replaced')
    expect(isOpen(join(pub, 'huge.bin'))).toBe(false)
  })
})
