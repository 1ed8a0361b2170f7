package io.kinko.cli;

import picocli.CommandLine.Command;

/** {@code kinko user}: accounts. Everything but changing your own password needs the ADMIN role. */
@Command(name = "user", mixinStandardHelpOptions = true,
    description = {"Adds, lists, locks, unlocks and disables users, sets passwords, and enrols or removes their cards and tokens.",
        "Every change needs the ADMIN role except 'user passwd' without NAME, which changes your own password, and "
            + "'user add-token'/'remove-token' for your own token. "
            + "Every call, allowed or refused, is logged."},
    subcommands = {UserAddCommand.class, UserPasswdCommand.class, UserStatusCommand.Lock.class,
        UserStatusCommand.Unlock.class, UserStatusCommand.Disable.class, UserListCommand.class,
        UserAddTokenCommand.class, UserRemoveTokenCommand.class})
final class UserCommand extends CommandGroup {}
