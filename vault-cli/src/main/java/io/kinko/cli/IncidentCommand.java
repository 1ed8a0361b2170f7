package io.kinko.cli;

import picocli.CommandLine.Command;

/** {@code kinko incident}: handling an incident (clause 6): list, acknowledge, write up for the city, verify a write-up. */
@Command(name = "incident", mixinStandardHelpOptions = true,
    description = {"Lists the vault's incidents (INCIDENT log entries), acknowledges one with a note, writes one up as the signed "
        + "incident report for the city (事故報告書) with a Japanese/English PDF draft, and verifies a report offline.",
        "An incident's id is its INCIDENT entry's sequence; its status is derived from the log alone (OPEN until the first "
            + "acknowledgement)."},
    subcommands = {IncidentListCommand.class, IncidentAckCommand.class, IncidentReportCommand.class, IncidentVerifyCommand.class})
final class IncidentCommand extends CommandGroup {
  /** An incident's id as typed: a log sequence. */
  static long id(String text) {
    try {
      long id = Long.parseLong(text);
      if (id < 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new UsageException("'" + text + "' is not an incident id (the INCIDENT entry's sequence, as 'kinko incident list' shows it)");
    }
  }
}
