// Tests through the in-process client: the guide's request, then every way it can be wrong.
import { createClient } from '@roll/framework/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { app, MyQuery } from '../src/app.js'

const client = createClient(app)
afterAll(() => client.close())

// The targets of a page's links, unescaped.
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map(([, href]) => href.replaceAll('&amp;', '&'))

describe('the first page', () => {
  it('is an HTML page named after the template', async () => {
    const resp = await client.get('/')
    expect(resp.status).toBe(200)
    expect(resp.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(resp.text).toMatch(/^<!doctype html>/)
    expect(resp.text).toContain('<title>custom-query')
    expect(resp.text).toContain('<h1>custom-query</h1>')
    expect(resp.text).toContain('<code>src/app.ts</code>')
    expect(resp.text).toContain('<code>npm test</code>')
  })

  it("links to the guide's date, a leap day and two bad dates, which answer as the page says", async () => {
    const { text } = await client.get('/')
    const links = hrefs(text)
    expect(links).toEqual([
      '/favicon.ico',
      '/hello/?year=2017&month=9&day=20',
      '/hello/?year=2016&month=2&day=29',
      '/hello/?year=2017&month=2&day=30',
      '/hello/?year=2017&month=9',
    ])
    expect(text).toContain('href="/hello/?year=2017&amp;month=9&amp;day=20"')
    const answers = await Promise.all(links.slice(1).map((link) => client.get(link)))
    expect(answers.map((resp) => [resp.status, resp.text])).toEqual([
      [200, '2017-09-20'],
      [200, '2016-02-29'],
      [400, "Invalid 'day' key: 2017-02 has days 1 to 28, not 30"],
      [400, "Missing 'day' key"],
    ])
  })

  it('has a form asking /hello/ for year, month and day', async () => {
    const { text } = await client.get('/')
    expect(text).toContain('<form action="/hello/">')
    for (const key of ['year', 'month', 'day']) expect(text).toContain(`name="${key}"`)
  })

  it('escapes the host it shows in its curl command', async () => {
    const resp = await client.get('/', { headers: { Host: '<b>"x"</b>&' } })
    expect(resp.text).toContain("curl 'http://&lt;b&gt;&quot;x&quot;&lt;/b&gt;&amp;/hello/?year=2017&amp;month=9&amp;day=20'")
    expect(resp.text).not.toContain('<b>')
  })

  it('has an icon, so the browser asking for it gets no 404', async () => {
    const resp = await client.get('/favicon.ico')
    expect(resp.status).toBe(200)
    expect(resp.headers['content-type']).toBe('image/svg+xml')
    expect(resp.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  })
})

describe('/hello/', () => {
  it("answers the date of Roll's guide", async () => {
    const resp = await client.get('/hello/?year=2017&month=9&day=20')
    expect(resp.status).toBe(200)
    expect(resp.text).toBe('2017-09-20')
  })

  it('knows leap years', async () => {
    expect((await client.get('/hello/?year=2016&month=2&day=29')).text).toBe('2016-02-29')
  })

  it.each([
    ['a missing key', 'year=2017&month=9', "Missing 'day' key"],
    ['a month that is not a number', 'year=2017&month=sept&day=20', "'month'"],
    ['month 13', 'year=2017&month=13&day=1', "Invalid 'month' key"],
    ['month 0', 'year=2017&month=0&day=1', "Invalid 'month' key"],
    ['February 30', 'year=2017&month=2&day=30', "Invalid 'day' key"],
    ['February 29 of a common year', 'year=2017&month=2&day=29', "Invalid 'day' key"],
    ['day 0', 'year=2017&month=9&day=0', "Invalid 'day' key"],
    ['year 0', 'year=0&month=9&day=20', "Invalid 'year' key"],
  ])('answers 400 naming the key for %s', async (_, query, message) => {
    const resp = await client.get(`/hello/?${query}`)
    expect(resp.status).toBe(400)
    expect(resp.text).toContain(message)
  })
})

describe('MyQuery', () => {
  it('is the class of request.query', () => {
    expect(app.Query).toBe(MyQuery)
  })

  it('builds a date at midnight UTC', () => {
    const query = new MyQuery({ year: ['99'], month: ['12'], day: ['31'] })
    expect(query.date.toISOString()).toBe('0099-12-31T00:00:00.000Z')
  })
})
