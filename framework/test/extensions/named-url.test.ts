import { describe, expect, it } from 'vitest'
import { Roll } from '@roll/framework'
import { namedUrl } from '@roll/framework/extensions'

function setup() {
  const app = new Roll()
  return { app, urlFor: namedUrl(app) }
}

describe('namedUrl', () => {
  it('builds the URL of a route from its name option', () => {
    const { app, urlFor } = setup()
    app.route('/test', { name: 'myroute' }, async () => {})
    expect(urlFor('myroute')).toBe('/test')
  })

  it("names a route after its handler, lower-cased, by default", () => {
    const { app, urlFor } = setup()
    app.route('/test', async function myRoute() {})
    expect(urlFor('myroute')).toBe('/test')
  })

  it('fills in simple, typed and regex placeholders', () => {
    const { app, urlFor } = setup()
    app.route('/test/{param}', function simple() {})
    app.route('/typed/{param:digit}', function typed() {})
    app.route('/regex/{param:[xyz]+}', function regex() {})
    app.route('/file/{name}.{ext}', function file() {})
    app.route('/nested/{id:\\d{3}}/x', function nested() {})
    expect(urlFor('simple', { param: 'foo' })).toBe('/test/foo')
    expect(urlFor('typed', { param: 22 })).toBe('/typed/22')
    expect(urlFor('regex', { param: 22 })).toBe('/regex/22')
    expect(urlFor('file', { name: 'report', ext: 'pdf' })).toBe('/file/report.pdf')
    expect(urlFor('nested', { id: 123 })).toBe('/nested/123/x')
  })

  it('percent-encodes values, keeping slashes, so that request.path decodes them back', () => {
    const { app, urlFor } = setup()
    app.route('/files/{path:path}', function files() {})
    expect(urlFor('files', { path: 'a dir/é?.txt' })).toBe('/files/a%20dir/%C3%A9%3F.txt')
  })

  it('throws on an unknown name, naming the known ones', () => {
    const { app, urlFor } = setup()
    app.route('/test', function known() {})
    expect(() => urlFor('missing')).toThrow("urlFor: no route named 'missing'; known names: known.")
  })

  it('lists every known name, or says none is known', () => {
    const { app, urlFor } = setup()
    expect(() => urlFor('missing')).toThrow("urlFor: no route named 'missing'; known names: none.")
    app.route('/a', function first() {})
    app.route('/b', function second() {})
    expect(() => urlFor('missing')).toThrow("urlFor: no route named 'missing'; known names: first, second.")
  })

  it('throws on a missing parameter', () => {
    const { app, urlFor } = setup()
    app.route('/test/{param}', function myroute() {})
    expect(() => urlFor('myroute', { badparam: 22 })).toThrow("urlFor('myroute'): missing parameter 'param' for '/test/{param}'.")
  })

  it('names a class view after its class', () => {
    const { app, urlFor } = setup()
    app.route('/test', class MyRoute { async onGet() {} })
    expect(urlFor('myroute')).toBe('/test')
  })

  it('throws, with hints, when two different handlers share a name', () => {
    const { app } = setup()
    app.route('/test', async function myroute() {})
    expect(() => app.route('/something', { name: 'myroute' }, async function other() {})).toThrow(
      "namedUrl: route '/something' is named 'myroute', which already names '/test' (another handler). Give one of them a distinct `name` option",
    )
  })

  it('accepts the same handler twice, and keeps the first path', () => {
    const { app, urlFor } = setup()
    async function myroute() {}
    app.route('/test', myroute)
    app.route('/alias-url', myroute)
    app.route('/legacy', { name: 'legacy' }, myroute)
    expect(urlFor('myroute')).toBe('/test')
    expect(urlFor('legacy')).toBe('/legacy')
  })

  it('names websocket routes too', () => {
    const { app, urlFor } = setup()
    app.route('/ws/{room}', { protocol: 'websocket' }, async function chat() {})
    expect(urlFor('chat', { room: 'lobby' })).toBe('/ws/lobby')
  })

  it('skips routes with an anonymous handler and no name', () => {
    const { app, urlFor } = setup()
    app.route('/one', [() => {}][0])
    app.route('/two', [() => {}][0])
    expect(() => urlFor('')).toThrow("urlFor: no route named ''; known names: none.")
  })
})
