package io.kinko.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What one command prints and where, decided once from {@code --json}, {@code -q} and {@code -v}:
 * results on stdout (text, or one JSON object under {@code --json}); warnings and errors on
 * stderr, always; under {@code -v} each step on stderr; progress bars only when stderr is a
 * terminal and neither {@code --json} nor {@code -q} is given. Listings (ls, log show, ...) and
 * the bytes a command exists to print (a checkpoint, a key) are results, so {@code -q} keeps them.
 */
final class Output {
  private final Context context;
  private final String command;
  private final boolean json;
  private final boolean quiet;
  private final boolean verbose;

  private Output(Context context, String command, boolean json, boolean quiet, boolean verbose) {
    this.context = context;
    this.command = command;
    this.json = json;
    this.quiet = quiet;
    this.verbose = verbose;
  }

  /** The output of the command {@code spec} describes, with the options its command line gave. */
  static Output of(CommandSpec spec, GlobalOptions global) {
    if (global.quiet && global.verbose) {
      throw new UsageException("-q and -v contradict each other; give one of them");
    }
    return new Output(VaultCommand.context(spec), name(spec), global.json, global.quiet, global.verbose);
  }

  /** "log show" for {@code kinko log show}. */
  static String name(CommandSpec spec) {
    if (spec.root() == spec) {
      return "";
    }
    String qualified = spec.qualifiedName(" ");
    String root = spec.root().name() + " ";
    return qualified.startsWith(root) ? qualified.substring(root.length()) : qualified;
  }

  boolean json() {
    return json;
  }

  boolean quiet() {
    return quiet;
  }

  /** A new result object for this command; fill it and {@link #print(JsonObject)} it. */
  JsonObject object() {
    return Json.object(command);
  }

  /** Prints a {@code --json} result on stdout. */
  void print(JsonObject result) {
    context.out().println(Json.write(result));
  }

  /** A line that says what was done: on stdout unless {@code --json} or {@code -q}. */
  void say(String line) {
    if (!json && !quiet) {
      context.out().println(line);
    }
  }

  /** Stdout for a listing or a command's own bytes (not under {@code --json}). */
  PrintWriter text() {
    return context.out();
  }

  /** Something the user must see though the command goes on (a skipped file): stderr, always. */
  void warn(String line) {
    context.err().println(line);
  }

  /** One step of the work, under {@code -v}: on stderr, so it never mixes into a result. */
  void step(String line) {
    if (verbose) {
      context.err().println("kinko: " + line);
    }
  }

  /** A progress display for {@code task}: a real one only when stderr is a terminal and the output is for people. */
  Progress progress(String task, long totalBytes, long totalFiles) {
    return showsProgress() ? Progress.start(context, task, totalBytes, totalFiles) : Progress.NONE;
  }

  /** A display counting things done ({@code unit}: " files") of {@code total} (negative: unknown), shown as {@link #progress} is. */
  Progress countProgress(String task, long total, String unit) {
    return showsProgress() ? Progress.startCount(context, task, total, unit) : Progress.NONE;
  }

  /** Whether a progress display would be shown, so a command can skip counting what it would show. */
  boolean showsProgress() {
    return !json && !quiet && context.stderrIsTerminal();
  }
}
