// runCommandLine: yargs set up alike for roll and create-roll; misuse and CliErrors on one line, with exit codes.
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Argv } from 'yargs'
import { cliVersion, runCommandLine } from '../src/command-line.js'
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
})
