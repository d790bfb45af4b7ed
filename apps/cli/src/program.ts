import { Command } from 'commander';
import { packageVersion, cliPackageDir } from './package-versions.js';
import type { CliContext } from './cli-context.js';
import { benchCommand } from './commands/bench.js';
import { chunkCommand } from './commands/chunk.js';
import { doctorCommand } from './commands/doctor.js';
import { evalCommand } from './commands/eval.js';
import { indexCommand } from './commands/index-command.js';
import { queryCommand } from './commands/query.js';
import { trainCommand } from './commands/train.js';

/** A command file exports one factory of this shape; adding a command is one line in `COMMANDS`. */
export type CommandFactory = (ctx: CliContext) => Command;

const COMMANDS: readonly CommandFactory[] = [chunkCommand, indexCommand, queryCommand, evalCommand, trainCommand, doctorCommand, benchCommand];

/** A fresh commander program per run (commander keeps parse state on the instance). */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('sift')
    .description('Sift: chunk → retrieve → select → evaluate, offline.')
    .version(packageVersion(cliPackageDir()) ?? 'unknown', '-V, --version')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // `run` prints errors itself, one line each.
      outputError: () => {},
    });
  for (const factory of COMMANDS) {
    const cmd = factory(ctx);
    cmd.copyInheritedSettings(program);
    program.addCommand(cmd);
  }
  return program;
}
