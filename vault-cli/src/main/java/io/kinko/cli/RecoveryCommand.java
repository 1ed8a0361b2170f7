package io.kinko.cli;

import picocli.CommandLine.Command;

/** {@code kinko recovery}: the vault's recovery key (clause 5(8)). */
@Command(name = "recovery", mixinStandardHelpOptions = true,
    description = "Shows or replaces the vault's recovery key (kinko recover uses it).",
    subcommands = {RecoveryRotateCommand.class, RecoveryStatusCommand.class})
final class RecoveryCommand extends CommandGroup {}
