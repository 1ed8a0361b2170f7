package io.kinko.cli;

import picocli.CommandLine.Command;

/** {@code kinko cert}: the signed certificates of deletion, wipe and disposal. */
@Command(name = "cert", mixinStandardHelpOptions = true,
    description = {"Verifies, lists, exports and renders the vault's signed certificates (rm, wipe, dispose).",
        "The JSON with its .sig is the authoritative copy; the PDF is a readable copy of it."},
    subcommands = {CertVerifyCommand.class, CertListCommand.class, CertExportCommand.class, CertPdfCommand.class})
final class CertCommand extends CommandGroup {}
