package io.kinko.cli;

import picocli.CommandLine.Command;

/** {@code kinko key}: the vault's keys that may leave it. */
@Command(name = "key", mixinStandardHelpOptions = true,
    description = "Exports the vault's public key for auditors.",
    subcommands = {KeyExportCommand.class})
final class KeyCommand extends CommandGroup {}
