package io.kinko.cli;

import picocli.CommandLine.Command;

/** {@code kinko log}: the access log's commands. */
@Command(name = "log", mixinStandardHelpOptions = true,
    description = {"Shows, verifies, archives and prunes the vault's access log.",
        "Every operation, allowed or denied, has an entry; entries are hash-chained and signed in checkpoints."},
    subcommands = {LogShowCommand.class, LogVerifyCommand.class, LogExportCommand.class, LogPruneCommand.class})
final class LogCommand extends CommandGroup {}
