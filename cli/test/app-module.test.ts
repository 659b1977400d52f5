// appFrom: the Roll app an entry module exports as `app` or as its default export.
import { describe, expect, it } from 'vitest'
import { Roll } from '@roll/framework'
import { appFrom } from '../src/app-module.js'

const fake = () => ({ route: () => undefined, dispatch: () => undefined })
const hint = 'Add `export const app = new Roll()` to it.'

describe('appFrom', () => {
  it('returns the `app` export, before the default export', () => {
    const app = fake()
    expect(appFrom({ app, default: fake() }, 'src/app.ts')).toBe(app)
  })

  it('returns the default export when there is no `app`', () => {
    const app = fake()
    expect(appFrom({ default: app }, 'src/app.ts')).toBe(app)
  })

  it('takes a real Roll instance', () => {
    const app = new Roll()
    expect(appFrom({ app }, 'src/app.ts')).toBe(app)
  })

  it('refuses a module that exports nothing, saying so', () => {
    expect(() => appFrom({}, 'src/app.ts')).toThrow(new TypeError(
      `src/app.ts must export a Roll app as \`app\` (or as its default export), but it exports nothing. ${hint}`,
    ))
  })

  it('names what the module exports (not __esModule) when none is an app', () => {
    const call = () => appFrom({ __esModule: true, server: 1, handler: () => {} }, 'lib/main.ts')
    expect(call).toThrow(TypeError)
    expect(call).toThrow(
      `lib/main.ts must export a Roll app as \`app\` (or as its default export), but it exports \`server\`, \`handler\`. ${hint}`,
    )
    expect(() => appFrom({ __esModule: true }, 'x.ts')).toThrow('but it exports nothing.')
  })

  it.each([
    ['null', null],
    ['a function with route and dispatch', Object.assign(() => {}, fake())],
    ['an object without dispatch', { route: () => {} }],
    ['an object without route', { dispatch: () => {} }],
    ['an object whose route is not a function', { route: 1, dispatch: () => {} }],
    ['an object whose dispatch is not a function', { route: () => {}, dispatch: 'x' }],
  ])('refuses %s as `app`', (_, app) => {
    expect(() => appFrom({ app }, 'src/app.ts')).toThrow('but it exports `app`.')
  })

  it('does not fall back to the default export when `app` is there but is not an app', () => {
    expect(() => appFrom({ app: {}, default: fake() }, 'src/app.ts')).toThrow('but it exports `app`, `default`.')
  })

  it('refuses a null default export, naming it', () => {
    expect(() => appFrom({ default: null }, 'src/app.ts')).toThrow(new TypeError(
      `src/app.ts must export a Roll app as \`app\` (or as its default export), but it exports \`default\`. ${hint}`,
    ))
  })

  it('falls back to the default export when `app` is null', () => {
    const app = fake()
    expect(appFrom({ app: null, default: app }, 'src/app.ts')).toBe(app)
  })
})
