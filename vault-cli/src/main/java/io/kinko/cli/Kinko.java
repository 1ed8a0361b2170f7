package io.kinko.cli;

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
        "  " + GlobalOptions.VAULT_ENV + "     vault folder when --vault is not given",
        "  " + GlobalOptions.USER_ENV + "      user when --user is not given",
        "  " + PasswordSource.PASSWORD_FILE_ENV,
        "                  file holding the password when --password-file is not given",
        "  " + PasswordSource.PASSWORD_ENV + "  password when neither is given; meant for scripts",
        "                  (prefer a file: the environment is easier to leak)",
        "  " + CertPdfCommand.FONT_ENV + "  Japanese font for 'kinko cert pdf' when --font is not given"})
public final class Kinko implements Callable<Integer> {
  /**
   * The commands, in the order help lists them. Not in the annotation: picocli reflects over every
   * option of every command it is given, which took a third of the fixed cost of a command, so a
   * command line that names a command gets that command alone (see {@link #commandLine}).
   */
  static final List<Class<?>> COMMANDS = List.of(InitCommand.class, UserCommand.class, GrantCommand.class,
      RevokeCommand.class, AclCommand.class, PutCommand.class, GetCommand.class, LsCommand.class, RmCommand.class,
      WipeCommand.class, DisposeCommand.class, LogCommand.class, CheckpointCommand.class, CertCommand.class,
      KeyCommand.class);

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
    return run(args, new Context(env, stdin, out, err, Terminal.system()));
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
    List<Class<?>> named = args.length == 0 ? List.of()
        : COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(args[0])).toList();
    (named.isEmpty() ? COMMANDS : named).forEach(commandLine::addSubcommand);
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
    err.println("kinko: " + failure.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(failure, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    return ExitCodes.USAGE;
  }

  private static int failed(Exception failure, CommandLine cmd, ParseResult parsed, Context context) {
    PrintWriter err = context.err();
    context.out().flush();
    err.println("kinko: " + message(failure));
    if (failure instanceof CommandLine.ParameterException || failure instanceof UsageException) {
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    }
    if (debug(parsed)) {
      failure.printStackTrace(err);
    } else if (!expected(failure)) {
      err.println("kinko: this looks like a bug; run again with --debug for details");
    }
    err.flush();
    return ExitCodes.of(failure);
  }

  private static String message(Exception failure) {
    return expected(failure) ? Messages.describe(failure) : "internal error: " + failure;
  }

  /** Failures with a message meant for the user, as opposed to bugs. */
  private static boolean expected(Throwable failure) {
    return failure instanceof VaultException || failure instanceof UsageException
        || failure instanceof CommandLine.ParameterException || failure instanceof IllegalArgumentException
        || failure instanceof IOException || failure instanceof UncheckedIOException;
  }

  private static boolean debug(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
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
