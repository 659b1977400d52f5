// CliError: a user's mistake, with what to do and the exit code, printed without a stack.
import { describe, expect, it } from 'vitest'
import { CliError } from '../src/errors.js'

describe('CliError', () => {
  it('carries the message, the hint and exit code 1 by default, named CliError', () => {
    const error = new CliError('Something is wrong.', 'Do this.')
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe('Something is wrong.')
    expect(error.hint).toBe('Do this.')
    expect(error.exitCode).toBe(1)
    expect(error.name).toBe('CliError')
    expect(String(error)).toBe('CliError: Something is wrong.')
  })

  it('takes another exit code, and no hint', () => {
    const error = new CliError('Stopped.', undefined, 130)
    expect(error.hint).toBeUndefined()
    expect(error.exitCode).toBe(130)
  })
})
