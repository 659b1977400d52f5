// runCommandLine: yargs set up alike for roll and create-roll; misuse and CliErrors on one line, with exit codes.
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Argv, CommandModule } from 'yargs'
import { cliVersion, DOCS_URL, guideFor, referenceLine, runCommandLine } from '../src/command-line.js'
import { CliError } from '../src/errors.js'

let out: string[]
let errors: unknown[][]
let exits: (number | string | null | undefined)[]

beforeEach(() => {
  out = []
  errors = []
  exits = []
  process.exitCode = undefined
  vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')))
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
  vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args))
  // yargs exits after --help and --version.
  vi.spyOn(process, 'exit').mockImplementation((code) => void exits.push(code) as never)
})

afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = undefined
})

const greet = (calls: string[]) => (cli: Argv) =>
  cli.command('greet <who>', 'Greets', (y) => y.positional('who', { type: 'string' }).option('loud', { type: 'boolean' }), (args) => {
    calls.push(`${args.who}${args.loud ? '!' : ''}`)
  }).command('fail', 'Fails', {}, () => {
    throw new CliError('It broke.', 'Fix it.', 3)
  }).command('fail-plain', 'Fails without a hint', {}, async () => {
    throw new CliError('It broke.')
  }).command('crash', 'Crashes', {}, () => {
    throw new RangeError('not mine')
  }).command('exit-code', 'Sets an exit code', {}, () => {
    process.exitCode = 7
  }).command('exit-code-string', 'Sets an exit code as a string', {}, () => {
    process.exitCode = '4' as unknown as number
  })

describe('runCommandLine', () => {
  it('runs the command and resolves to 0', async () => {
    const calls: string[] = []
    expect(await runCommandLine('tool', ['greet', 'ana', '--loud'], greet(calls))).toBe(0)
    expect(calls).toEqual(['ana!'])
    expect(errors).toEqual([])
  })

  it('resolves to the exit code the command set', async () => {
    expect(await runCommandLine('tool', ['exit-code'], greet([]))).toBe(7)
    expect(await runCommandLine('tool', ['exit-code-string'], greet([]))).toBe(4)
  })

  it('prints a CliError as "name: message hint" and resolves to its exit code', async () => {
    expect(await runCommandLine('tool', ['fail'], greet([]))).toBe(3)
    expect(errors).toEqual([['tool: It broke. Fix it.']])
  })

  it('prints a CliError without a hint as "name: message"', async () => {
    expect(await runCommandLine('tool', ['fail-plain'], greet([]))).toBe(1)
    expect(errors).toEqual([['tool: It broke.']])
  })

  it('prints any other error whole (with its stack) and resolves to 1', async () => {
    expect(await runCommandLine('tool', ['crash'], greet([]))).toBe(1)
    expect(errors).toHaveLength(1)
    expect(errors[0]![0]).toBeInstanceOf(RangeError)
    expect((errors[0]![0] as Error).message).toBe('not mine')
  })

  it('refuses an unknown option (strict) on one line with a pointer to --help', async () => {
    const calls: string[] = []
    expect(await runCommandLine('tool', ['greet', 'ana', '--nope'], greet(calls))).toBe(1)
    expect(calls).toEqual([])
    expect(errors).toEqual([['tool: Unknown argument: nope See tool --help.']])
  })

  it('refuses a missing positional the same way', async () => {
    expect(await runCommandLine('tool', ['greet'], greet([]))).toBe(1)
    expect(errors).toEqual([['tool: Not enough non-option arguments: got 0, need at least 1 See tool --help.']])
  })

  it('says "Invalid arguments." when yargs gives no message', async () => {
    const commands = (cli: Argv) => cli.check(() => { throw new CliError('Checked.', 'Hinted.', 2) })
    expect(await runCommandLine('tool', [], commands)).toBe(2)
    expect(errors).toEqual([['tool: Checked. Hinted.']])
    errors.length = 0
    const silent = (cli: Argv) => cli.check(() => false)
    expect(await runCommandLine('tool', [], silent)).toBe(1)
    expect(errors).toEqual([['tool: Argument check failed: () => false See tool --help.']])
  })

  it('prints its version for --version and -v, @roll/cli\'s by default', async () => {
    expect(cliVersion).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version)
    expect(await runCommandLine('tool', ['--version'], greet([]))).toBe(0)
    expect(await runCommandLine('tool', ['-v'], greet([]), '9.9.9')).toBe(0)
    expect(out).toEqual([cliVersion, '9.9.9'])
    expect(exits).toEqual([0, 0])
  })

  it('prints usage for --help and -h, under its name', async () => {
    expect(await runCommandLine('tool', ['--help'], greet([]))).toBe(0)
    expect(await runCommandLine('tool', ['-h'], greet([]))).toBe(0)
    expect(exits).toEqual([0, 0])
    expect(out).toHaveLength(2)
    expect(out[0]).toBe(out[1])
    expect(out[0]).toContain('tool greet <who>')
    expect(out[0]).toMatch(/-h, --help +Show help/)
    expect(out[0]).toMatch(/-v, --version +Show version number/)
  })

  it('ends --help with the link to the reference of the command line', async () => {
    expect(await runCommandLine('tool', ['--help'], greet([]))).toBe(0)
    expect(out[0]!.trimEnd().split('\n').at(-1)).toBe('Reference: https://roll-ts.github.io/roll/reference/cli')
  })

  it('ends --help with no link when the epilogue is null', async () => {
    expect(await runCommandLine('tool', ['--help'], greet([]), '1.0.0', null)).toBe(0)
    expect(out[0]).not.toContain('Reference:')
  })

  it('names the guide of a CliError that has one, on the same line', async () => {
    const missing = (cli: Argv) => cli.command('go', 'Goes', {}, () => {
      throw new CliError('Cannot find dist/server.mjs.', 'Build the app first: roll build (or pass --bundle <file>).')
    })
    expect(await runCommandLine('roll', ['go'], missing)).toBe(1)
    expect(errors).toEqual([['roll: Cannot find dist/server.mjs. Build the app first: roll build (or pass --bundle <file>). Guide: https://roll-ts.github.io/roll/guide/advanced/deploy']])
  })
})

describe('the documentation links', () => {
  it("end each command's --help with its reference page", async () => {
    const { create } = await import('../src/commands/create.js')
    const { dev } = await import('../src/commands/dev.js')
    const { build } = await import('../src/commands/build.js')
    const { start } = await import('../src/commands/start.js')
    const commands: Array<[string, CommandModule<object, any>]> = [['create', create], ['dev', dev], ['build', build], ['start', start]]
    for (const [name, command] of commands) {
      out = []
      expect(await runCommandLine('roll', [name, '--help'], (cli) => cli.command(command))).toBe(0)
      expect(out.join('').trimEnd().split('\n').at(-1)).toBe(`Reference: https://roll-ts.github.io/roll/reference/cli#roll-${name}`)
      expect(out.join('').match(/Reference:/g)).toHaveLength(1)
    }
  })

  it('all start at one base URL', () => {
    expect(DOCS_URL).toBe('https://roll-ts.github.io/roll/')
    expect(referenceLine('#roll-dev')).toBe(`Reference: ${DOCS_URL}reference/cli#roll-dev`)
  })

  it('give a guide to the errors that have one, and nothing to others', () => {
    expect(guideFor("Cannot find the app's entry module src/app.ts (the default entry).")).toBe(` Guide: ${DOCS_URL}reference/cli#the-entry-module`)
    expect(guideFor('Cannot find out/app.mjs.')).toBe(` Guide: ${DOCS_URL}guide/advanced/deploy`)
    expect(guideFor("Unknown template 'bsic'. Available: basic.")).toBe(` Guide: ${DOCS_URL}reference/templates`)
    expect(guideFor("PORT must be an integer from 0 to 65535, got 'eighty'.")).toBe(` Guide: ${DOCS_URL}reference/environment`)
    expect(guideFor("--port must be an integer from 0 to 65535, got 99999.")).toBe('')
    expect(guideFor("--workers must be a positive integer or auto, got 'many'.")).toBe(` Guide: ${DOCS_URL}guide/advanced/deploy`)
    expect(guideFor('Cannot listen on 127.0.0.1:80: listen EACCES.')).toBe(` Guide: ${DOCS_URL}reference/cli#roll-dev`)
    expect(guideFor('"roll.entry" in package.json must be a file path, got "".')).toBe(` Guide: ${DOCS_URL}reference/cli#the-entry-module`)
    expect(guideFor('It broke.')).toBe('')
  })
})
