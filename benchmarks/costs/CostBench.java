// In package io.kinko.vault, as the other harnesses are, to share BenchSupport; this works on the
// class path only. See benchmarks/costs/README.md.
package io.kinko.vault.engine;

import io.kinko.vault.*;

import static io.kinko.vault.engine.BenchSupport.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Costs that must not grow with the vault's history (DESIGN.md, "Performance targets"): {@code rm}
 * of one file, {@code ls} of a 10-file folder and a login, each on a vault holding few files and
 * on one holding many (and as many log entries), in one JVM and one run. The figure is the ratio
 * of the two medians; the target is under 1.5x.
 *
 * <p>Usage: {@code CostBench --scratch DIR [--quick] [--reps N]}. DIR must be an empty folder on a
 * disk.
 */
public final class CostBench {
  private static final int SMALL = 100;
  private static final int LS_FOLDER = 10;
  private static final int WARM_UP = 3;
  /** Held so the setting sticks: Flyway logs each migration at INFO through java.util.logging. */
  private static final java.util.logging.Logger FLYWAY = java.util.logging.Logger.getLogger("org.flywaydb");

  private final Path scratch;
  private final int reps;

  private CostBench(Path scratch, int reps) {
    this.scratch = scratch;
    this.reps = reps;
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    FLYWAY.setLevel(java.util.logging.Level.WARNING);
    Path scratch = null;
    int large = 100_000;
    int reps = 15;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> large = 10_000;
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--scratch" -> scratch = Paths.get(args[++i]);
        default -> {
          System.err.println("CostBench: unknown argument " + args[i] + "; usage: CostBench --scratch DIR [--quick] [--reps N]");
          System.exit(2);
        }
      }
    }
    if (scratch == null || reps < 1) {
      System.err.println("CostBench: --scratch DIR is required and --reps takes a positive number");
      System.exit(2);
    }
    System.out.printf("- vaults of %,d and %,d files, %d timed repetitions of each operation after %d untimed; java %s, -Xmx%d MiB; "
        + "load average at the start %.2f%n", SMALL, large, reps, WARM_UP, System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, loadAverage());
    new CostBench(scratch, reps).run(large);
    progress("CostBench", "done");
    System.out.printf("%n- load average at the end: %.2f (other processes share the %d cores)%n", loadAverage(),
        Runtime.getRuntime().availableProcessors());
  }

  private void run(int large) throws Exception {
    int rmFiles = WARM_UP + reps;
    Map<String, List<Double>> ms = new LinkedHashMap<>();
    try (Vault small = build(SMALL, rmFiles); Vault big = build(large, rmFiles)) {
      List<Vault> both = List.of(small, big);
      for (Vault v : both) {
        System.out.printf("- vault of %,d files: %,d log entries before the measurements%n", v == small ? SMALL : large, ((DefaultVault) v).log().head().size());
      }
      for (int rep = 0; rep < rmFiles; rep++) {
        // Alternate which vault goes first, so that neither always meets a busier machine.
        List<Vault> order = rep % 2 == 0 ? both : List.of(big, small);
        for (Vault v : order) {
          String size = v == small ? "small" : "large";
          boolean timed = rep >= WARM_UP;
          progress("CostBench", (timed ? "repetition " + (rep - WARM_UP + 1) : "warm-up " + (rep + 1)) + ", " + size + " vault");
          long t0 = System.nanoTime();
          Session session = login(v);
          long t1 = System.nanoTime();
          int listed = session.list("ls10").size();
          long t2 = System.nanoTime();
          session.delete("rm/f" + rep);
          long t3 = System.nanoTime();
          session.close();
          if (listed != LS_FOLDER) {
            throw new IllegalStateException("ls of the 10-file folder listed " + listed + " files");
          }
          if (timed) {
            ms.computeIfAbsent("login " + size, k -> new ArrayList<>()).add((t1 - t0) / 1e6);
            ms.computeIfAbsent("ls " + size, k -> new ArrayList<>()).add((t2 - t1) / 1e6);
            ms.computeIfAbsent("rm " + size, k -> new ArrayList<>()).add((t3 - t2) / 1e6);
          }
        }
      }
      readEverything(small);
      readEverything(big);
    }
    commands(ms, large);
    report(ms, large);
  }

  /** Reads every file of {@code vault} once, as a folder get does: one GET entry each, all within the hour. */
  private static void readEverything(Vault vault) {
    try (Session session = login(vault)) {
      List<String> paths = session.list("").stream().map(FileInfo::path).toList();
      progress("CostBench", "reading all " + paths.size() + " files");
      long t0 = System.nanoTime();
      session.getEach(paths, new Session.EachReader() {
        @Override
        public void read(String path, java.io.InputStream content) throws IOException {
          content.transferTo(java.io.OutputStream.nullOutputStream());
        }

        @Override
        public void failed(String path, Exception failure) {
          throw new IllegalStateException("could not read " + path, failure);
        }
      });
      System.out.printf("- read all %,d files of a vault by one folder get in %.1f s%n", paths.size(), (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * A command as the CLI runs one, timed whole: open the vault, log in, read one file, close. The
   * close waits (up to 10 s) for the incident watch to judge the command's entries, and a watch
   * new to the process first rebuilds its rules' state from the policy's longest window: here an
   * hour in which every file of the vault was read.
   */
  private void commands(Map<String, List<Double>> ms, int large) throws IOException {
    List<Integer> sizes = List.of(SMALL, large);
    for (int rep = 0; rep < WARM_UP + reps; rep++) {
      for (int size : rep % 2 == 0 ? sizes : List.of(large, SMALL)) {
        boolean timed = rep >= WARM_UP;
        progress("CostBench", (timed ? "command " + (rep - WARM_UP + 1) : "command warm-up " + (rep + 1)) + ", vault of " + size);
        long t0 = System.nanoTime();
        try (Vault vault = Vault.open(scratch.resolve("vault-" + size)); Session session = login(vault);
             java.io.InputStream in = session.get("ls10/f0")) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        if (timed) {
          ms.computeIfAbsent("command " + (size == SMALL ? "small" : "large"), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        }
      }
    }
  }

  /**
   * A vault of {@code files} files of 16 bytes: {@code rmFiles} in {@code rm/}, 10 in {@code
   * ls10/} and the rest 100 to a folder below {@code bulk/}, stored by one folder put (the library's
   * batch put), which also appends one PUT entry per file.
   */
  private Vault build(int files, int rmFiles) throws IOException {
    Path source = scratch.resolve("source-" + files);
    progress("CostBench", "writing " + files + " source files");
    int bulk = files - rmFiles - LS_FOLDER;
    if (bulk < 0) {
      throw new IllegalArgumentException("a vault of " + files + " files cannot hold " + rmFiles + " files to delete");
    }
    write(source.resolve("rm"), rmFiles, i -> "f" + i);
    write(source.resolve("ls10"), LS_FOLDER, i -> "f" + i);
    write(source.resolve("bulk"), bulk, i -> String.format("d%04d/f%02d", i / 100, i % 100));
    progress("CostBench", "putting " + files + " files into a new vault");
    Vault vault = newVault(scratch.resolve("vault-" + files), "BENCH-COSTS", null, null);
    try (Session session = login(vault)) {
      session.administration().grant(USER, "", EnumSet.allOf(Permission.class)); // an administrator needs a grant for content
      long t0 = System.nanoTime();
      PutReport report = session.put("", source);
      if (!report.complete() || report.stored().size() != files) {
        throw new IllegalStateException("put stored " + report.stored().size() + " of " + files + " files; skipped " + report.skipped());
      }
      System.out.printf("- built the vault of %,d files by one folder put in %.1f s%n", files, (System.nanoTime() - t0) / 1e9);
    }
    deleteTree(source);
    return vault;
  }

  private static void write(Path folder, int count, java.util.function.IntFunction<String> name) throws IOException {
    for (int i = 0; i < count; i++) {
      Path file = folder.resolve(name.apply(i));
      Files.createDirectories(file.getParent());
      Files.write(file, String.format("content %08d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  private void report(Map<String, List<Double>> ms, int large) {
    System.out.println();
    System.out.printf("| operation | %,d files: median ms (min) | %,d files: median ms (min) | ratio of medians | target | result |%n", SMALL, large);
    System.out.println("|---|---|---|---|---|---|");
    for (String op : List.of("rm", "ls", "login", "command")) {
      List<Double> s = ms.get(op + " small");
      List<Double> l = ms.get(op + " large");
      double ratio = median(l) / median(s);
      String what = switch (op) {
        case "rm" -> "rm of one file (certified)";
        case "ls" -> "ls of a 10-file folder";
        case "command" -> "a command after every file was read within the hour (open, login, get of one file, close)";
        default -> "login (minimum password cost)";
      };
      System.out.printf("| %s | %.1f (%.1f) | %.1f (%.1f) | %.2f | < 1.5x | %s |%n", what, median(s), min(s), median(l), min(l), ratio,
          ratio < 1.5 ? "PASS" : "FAIL");
    }
    System.out.println();
    System.out.println("Each repetition's milliseconds:");
    System.out.println();
    for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
      System.out.println("- " + e.getKey() + ": " + String.join(" ", e.getValue().stream().map(v -> String.format("%.1f", v)).toList()));
    }
  }
}
