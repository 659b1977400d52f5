// roll build (not built yet).
import type { CommandModule } from 'yargs'
import { CliError } from '../errors.js'

export const build: CommandModule = {
  command: 'build',
  describe: 'build (not available yet)',
  handler: () => {
    throw new CliError('roll build is not available yet.')
  },
}
