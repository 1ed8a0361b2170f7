package io.kinko.cli;

import picocli.CommandLine.Command;

/** {@code kinko alert}: where INCIDENT entries are reported (clause 6). Sinks are an administrator's to change; every call is logged. */
@Command(name = "alert", mixinStandardHelpOptions = true,
    description = {"Adds, lists, tests and removes alert sinks (syslog, mail, webhook), and delivers pending alerts.",
        "Every INCIDENT entry is reported to every sink, in order and at least once (the alert id vault:seq lets a receiver drop "
            + "duplicates). Alerts hold the rule, severity, time, actor, log sequences and vault id: never a file name or content."},
    subcommands = {AlertAddCommand.class, AlertListCommand.class, AlertSinkCommand.Test.class, AlertSinkCommand.Remove.class,
        AlertDeliverCommand.class})
final class AlertCommand extends CommandGroup {}
