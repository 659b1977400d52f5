// The roll commands' output: "[roll] " lines, coloured only on a terminal and without NO_COLOR.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// Imported afresh for each test: `color` is made when the module loads, and a mutant of it
// is only seen by a load made under the test.
let { color, error, info, success } = await import('../src/log.js')

const ttys = { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY }
let out: string[]
let err: string[]

function terminal(stdout: boolean, stderr: boolean): void {
  process.stdout.isTTY = stdout
  process.stderr.isTTY = stderr
}

beforeEach(async () => {
  vi.resetModules()
  ;({ color, error, info, success } = await import('../src/log.js'))
  // Node's styleText colours when FORCE_COLOR says so, whatever the streams: what is left to test is log.ts's own choice.
  vi.stubEnv('FORCE_COLOR', '1')
  vi.stubEnv('NO_COLOR', undefined)
  out = []
  err = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true))
})

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  process.stdout.isTTY = ttys.stdout
  process.stderr.isTTY = ttys.stderr
})

const ESC = '\u001b['

describe('info and error', () => {
  it('success prints "[roll] message" on stdout, the prefix green on a terminal and plain otherwise', () => {
    terminal(true, false)
    success('built')
    terminal(false, false)
    success('built')
    expect(out).toEqual([`${ESC}32m[roll]${ESC}39m built\n`, '[roll] built\n'])
  })

  it('colours an error for a terminal on stderr while stdout goes to a file, whatever FORCE_COLOR says', () => {
    vi.stubEnv('FORCE_COLOR', undefined)
    terminal(false, true)
    error('failed')
    expect(err).toEqual([`${ESC}31m[roll]${ESC}39m failed\n`])
  })

  it('print "[roll] message" lines, plain when not on a terminal', () => {
    terminal(false, false)
    info('dev server on http://127.0.0.1:3579')
    error('build failed')
    expect(out).toEqual(['[roll] dev server on http://127.0.0.1:3579\n'])
    expect(err).toEqual(['[roll] build failed\n'])
  })

  it('colour the prefix on a terminal: info cyan on stdout, error red on stderr', () => {
    terminal(true, true)
    info('hello')
    error('oops')
    expect(out).toEqual([`${ESC}36m[roll]${ESC}39m hello\n`])
    expect(err).toEqual([`${ESC}31m[roll]${ESC}39m oops\n`])
  })

  it('look at their own stream: stdout a terminal and stderr not, or the other way round', () => {
    terminal(true, false)
    info('a')
    error('b')
    terminal(false, true)
    info('c')
    error('d')
    expect(out).toEqual([`${ESC}36m[roll]${ESC}39m a\n`, '[roll] c\n'])
    expect(err).toEqual(['[roll] b\n', `${ESC}31m[roll]${ESC}39m d\n`])
  })

  it('stay plain on a terminal when NO_COLOR is set (to anything but empty)', () => {
    terminal(true, true)
    vi.stubEnv('NO_COLOR', '1')
    info('a')
    error('b')
    expect(out).toEqual(['[roll] a\n'])
    expect(err).toEqual(['[roll] b\n'])
  })
})

describe('color', () => {
  it('styles text for stdout on a terminal', () => {
    terminal(true, false)
    expect(color.bold('x')).toBe(`${ESC}1mx${ESC}22m`)
    expect(color.dim('x')).toBe(`${ESC}2mx${ESC}22m`)
    expect(color.green('x')).toBe(`${ESC}32mx${ESC}39m`)
    expect(color.cyan('x')).toBe(`${ESC}36mx${ESC}39m`)
    expect(color.yellow('x')).toBe(`${ESC}33mx${ESC}39m`)
    // red is for stderr, which is not a terminal here.
    expect(color.red('x')).toBe('x')
  })

  it('leaves text plain when stdout is not a terminal; red follows stderr', () => {
    terminal(false, true)
    for (const style of ['bold', 'dim', 'green', 'cyan', 'yellow'] as const) expect(color[style]('x')).toBe('x')
    expect(color.red('x')).toBe(`${ESC}31mx${ESC}39m`)
  })

  it('leaves text plain under NO_COLOR', () => {
    terminal(true, true)
    vi.stubEnv('NO_COLOR', 'yes')
    expect(color.bold('x')).toBe('x')
    expect(color.red('x')).toBe('x')
  })
})
