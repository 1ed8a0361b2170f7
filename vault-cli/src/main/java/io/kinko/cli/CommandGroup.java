package io.kinko.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that only groups others ({@code kinko log}, {@code kinko key}): alone, it shows its usage as a usage error. */
abstract class CommandGroup implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Context context = VaultCommand.context(spec);
    context.err().println("kinko: give a command after '" + spec.qualifiedName() + "'");
    spec.commandLine().usage(context.err());
    return ExitCodes.USAGE;
  }
}
