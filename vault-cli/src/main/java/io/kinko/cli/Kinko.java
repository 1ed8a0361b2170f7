package io.kinko.cli;

import com.google.gson.JsonObject;
import io.kinko.vault.DatabaseAccount;
import io.kinko.vault.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code kinko} command. {@link #main} only wires the process to {@link #run}; everything a
 * run touches comes through its arguments, so tests drive the whole CLI in-process.
 */
@Command(name = "kinko", mixinStandardHelpOptions = true, versionProvider = Kinko.Version.class,
    description = "Keeps work data encrypted, access-controlled and logged (金庫, \"a safe\").",
    footerHeading = "%nEnvironment:%n",
    footer = {
        "  " + GlobalOptions.VAULT_ENV + "             vault folder when --vault is not given",
        "  " + GlobalOptions.USER_ENV + "              user when --user is not given",
        "  " + PasswordSource.PASSWORD_FILE_ENV + "     file holding the password when --password-file is not given",
        "  " + PasswordSource.PASSWORD_ENV + "          password when neither is given; meant for scripts",
        "                          (prefer a file: the environment is easier to leak)",
        "  " + DatabaseAccount.USER_VARIABLE + "           database user, for a vault on PostgreSQL (init --db)",
        "  " + DatabaseAccount.PASSWORD_FILE_VARIABLE + "  file holding that user's password (first line)",
        "  " + DatabaseAccount.PASSWORD_VARIABLE + "       that password itself, when a file is not practical",
        "  " + DatabaseAccount.URL_VARIABLE + "            the one database URL this host may connect to (optional)",
        "  COLUMNS                 width of the help text (default: the terminal's, else 80)"})
public final class Kinko implements Callable<Integer> {
  /**
   * The commands, in the order help lists them. Not in the annotation: picocli reflects over every
   * option of every command it is given, which took a third of the fixed cost of a command, so a
   * command line that names a command gets that command alone (see {@link #commandLine}).
   */
  static final List<Class<?>> COMMANDS = List.of(InitCommand.class, UserCommand.class, GrantCommand.class,
      RevokeCommand.class, AclCommand.class, PutCommand.class, GetCommand.class, LsCommand.class, RmCommand.class,
      WipeCommand.class, DisposeCommand.class, LogCommand.class, CheckpointCommand.class, CertCommand.class,
      KeyCommand.class, StatusCommand.class,
      AuditCommand.class, AlertCommand.class, ReportCommand.class, ApproveCommand.class, IncidentCommand.class, PolicyCommand.class,
      ExportCommand.class, ImportCommand.class, RecoverCommand.class, RecoveryCommand.class,
      CommandLine.HelpCommand.class);

  /** Help is wrapped to the terminal's width, within what picocli accepts and still reads well. */
  static final int MIN_HELP_WIDTH = 55;
  static final int MAX_HELP_WIDTH = 160;
  static final int DEFAULT_HELP_WIDTH = 80;

  private final Context context;

  @Spec
  CommandSpec spec;

  Kinko(Context context) {
    this.context = context;
  }

  public static void main(String[] args) {
    int code = run(args, System.getenv(), System.in, System.out, System.err);
    System.exit(code);
  }

  /**
   * Runs one {@code kinko} command line and returns its exit code (see {@link ExitCodes}).
   * Environment variables are looked up in {@code env} only; prompts use the JVM's console when
   * there is one.
   */
  public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
    return run(args, new Context(env, stdin, out, err, Terminal.system(), Context.systemStderrIsTerminal()));
  }

  static int run(String[] args, Context context) {
    try {
      return commandLine(context, args).execute(args);
    } finally {
      context.out().flush();
      context.err().flush();
      context.stdoutBytes().flush();
    }
  }

  /**
   * The command tree for {@code args}: the root with the one command that {@code args} starts
   * with, or with every command when it starts with none (help, a typo to suggest for, an option).
   */
  static CommandLine commandLine(Context context, String[] args) {
    CommandLine commandLine = new CommandLine(new Kinko(context));
    // 'kinko help put' needs every command to find the one it names.
    List<Class<?>> named = args.length == 0 || args[0].equals("help") ? List.of()
        : COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(args[0])).toList();
    (named.isEmpty() ? COMMANDS : named).forEach(commandLine::addSubcommand);
    if (asksForHelp(args)) {
      commandLine.setUsageHelpWidth(helpWidth(context.env("COLUMNS"), Kinko::ttyColumns));
    }
    commandLine.setOut(context.out());
    commandLine.setErr(context.err());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(Kinko::usageError);
    commandLine.setExecutionExceptionHandler((failure, cmd, parsed) -> failed(failure, cmd, parsed, context));
    listExitCodes(commandLine);
    return commandLine;
  }

  Context context() {
    return context;
  }

  /**
   * Whether this command line asks for a usage text, worth finding the terminal's width for (which
   * may start {@code stty}): never for a command that runs, whose fixed cost is measured.
   */
  private static boolean asksForHelp(String[] args) {
    List<String> words = List.of(args);
    return args.length == 0 || words.contains("help") || words.contains("--help") || words.contains("-h")
        || args.length == 1 && GROUPS.contains(args[0]);
  }

  /** The commands that only group others: alone, they print their usage. */
  private static final java.util.Set<String> GROUPS = java.util.Set.of("user", "log", "cert", "key");

  /**
   * The help's width: {@code COLUMNS} when it is a number, else what {@code tty} reports (the
   * terminal's columns, or null), else {@value #DEFAULT_HELP_WIDTH}; kept within
   * [{@value #MIN_HELP_WIDTH}, {@value #MAX_HELP_WIDTH}].
   */
  static int helpWidth(String columns, java.util.function.Supplier<Integer> tty) {
    Integer width = null;
    if (columns != null) {
      try {
        width = Integer.parseInt(columns.strip());
      } catch (NumberFormatException e) {
        width = null;
      }
    }
    if (width == null || width <= 0) {
      width = tty.get();
    }
    if (width == null || width <= 0) {
      width = DEFAULT_HELP_WIDTH;
    }
    return Math.max(MIN_HELP_WIDTH, Math.min(MAX_HELP_WIDTH, width));
  }

  /** The columns of the controlling terminal ({@code stty size} on /dev/tty), or null without one. */
  private static Integer ttyColumns() {
    java.io.File tty = new java.io.File("/dev/tty");
    if (!tty.canRead()) {
      return null;
    }
    try {
      Process stty = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String answer = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
      if (stty.waitFor() != 0) {
        return null;
      }
      String[] rowsColumns = answer.split("\\s+");
      return rowsColumns.length == 2 ? Integer.valueOf(rowsColumns[1]) : null;
    } catch (IOException | NumberFormatException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** {@code kinko} alone: show what it can do, as a usage error. */
  @Override
  public Integer call() {
    context.err().println("kinko: give a command");
    spec.commandLine().usage(context.err());
    return ExitCodes.USAGE;
  }

  private static void listExitCodes(CommandLine commandLine) {
    commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.descriptions());
    commandLine.getSubcommands().values().forEach(Kinko::listExitCodes);
  }

  private static int usageError(CommandLine.ParameterException failure, String[] args) {
    CommandLine cmd = failure.getCommandLine();
    PrintWriter err = cmd.getErr();
    if (List.of(args).contains("--json")) {
      err.println(Json.write(error(cmd, ExitCodes.USAGE, failure.getMessage())));
      return ExitCodes.USAGE;
    }
    err.println("kinko: " + failure.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(failure, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    return ExitCodes.USAGE;
  }

  private static int failed(Exception failure, CommandLine cmd, ParseResult parsed, Context context) {
    PrintWriter err = context.err();
    context.out().flush();
    if (matched(parsed, "--json")) {
      err.println(Json.write(error(cmd, ExitCodes.of(failure), message(failure))));
      if (matched(parsed, "--debug")) {
        failure.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.of(failure);
    }
    err.println("kinko: " + message(failure));
    if (failure instanceof CommandLine.ParameterException || failure instanceof UsageException) {
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    }
    if (matched(parsed, "--debug")) {
      failure.printStackTrace(err);
    } else if (!expected(failure)) {
      err.println("kinko: this looks like a bug; run again with --debug for details");
    }
    err.flush();
    return ExitCodes.of(failure);
  }

  /** A failure under --json: {"schema", "command", "error" (the exit code's name), "exit", "message"}. */
  private static JsonObject error(CommandLine cmd, int exit, String message) {
    JsonObject o = Json.object(Output.name(cmd.getCommandSpec()));
    o.addProperty("error", ExitCodes.name(exit));
    o.addProperty("exit", exit);
    o.addProperty("message", message);
    return o;
  }

  /** What the user reads: the failure's own words, with the library's UTC instants in the contract's zone. */
  private static String message(Exception failure) {
    return expected(failure) ? Times.humanInText(Messages.describe(failure)) : "internal error: " + failure;
  }

  /** Failures with a message meant for the user, as opposed to bugs. */
  private static boolean expected(Throwable failure) {
    return failure instanceof VaultException || failure instanceof UsageException
        || failure instanceof CommandLine.ParameterException || failure instanceof IllegalArgumentException
        || failure instanceof IOException || failure instanceof UncheckedIOException;
  }

  private static boolean matched(ParseResult parsed, String option) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(option)) {
        return true;
      }
    }
    return false;
  }

  /** The version from the jar's manifest ("dev" when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Kinko.class.getPackage().getImplementationVersion();
      return new String[] {"kinko " + (version == null ? "dev" : version)};
    }
  }
}
