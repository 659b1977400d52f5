// CliError: a mistake of the user's, printed as one line (what is wrong, what to do) without a stack.

/** An error the user can fix: `message` says what is wrong, `hint` what to do. */
export class CliError extends Error {
  constructor(message: string, readonly hint?: string, readonly exitCode = 1) {
    super(message)
    this.name = 'CliError'
  }
}
