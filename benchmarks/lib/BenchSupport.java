// Shared by the benchmark harnesses under benchmarks/ (LogBench, BackendBench). In package
// io.kinko.vault, like them, so that they can reach Vault's package-private log() and database();
// that works on the class path only (see benchmarks/log/README.md).
package io.kinko.vault.engine;

import io.kinko.vault.*;

import io.kinko.vault.audit.AccessLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Vaults, threads, timing and output for the benchmark harnesses: one copy, so that every
 * harness times concurrent calls and prints its figures the same way.
 */
final class BenchSupport {
  static final String USER = "sato";
  private static final char[] PASSWORD = "bench-password-not-secret".toCharArray();
  private static final HexFormat HEX = HexFormat.of();
  static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  private BenchSupport() {}

  /**
   * A new vault in {@code directory} whose administrator is {@link #USER}, with the cheapest
   * password cost so that logins do not count; its metadata in embedded H2 when {@code
   * databaseUrl} is null, else in that PostgreSQL database as {@code account}.
   */
  static Vault newVault(Path directory, String contractId, String databaseUrl, DatabaseAccount account) {
    Vault.Builder builder = Vault.builder(directory)
        .contract(new Contract(contractId, "Bench City", "Bench Contractor", LocalDate.now(Contract.ZONE).plusYears(1)))
        .admin(USER, Password.wrap(PASSWORD.clone()))
        .passwordCost(PasswordCost.MINIMUM);
    if (databaseUrl != null) {
      builder.database(databaseUrl, account);
    }
    return builder.create();
  }

  static Session login(Vault vault) {
    return vault.login(USER, Password.wrap(PASSWORD.clone()));
  }

  /** A READ entry as Session.get would log it: a file id and a name tag, both random. */
  static AccessLog.Event readEvent(SplittableRandom random, String reasonPrefix) {
    byte[] id = new byte[16];
    byte[] tag = new byte[32];
    random.nextBytes(id);
    random.nextBytes(tag);
    return AccessLog.Event.allow(USER, Action.GET, reasonPrefix + " content", HEX.formatHex(id), HEX.formatHex(tag));
  }

  /** {@code total} appends of one entry each, spread over {@code threads} threads, each waiting for durability. */
  static Timed concurrentAppends(AccessLog log, int threads, int total, SplittableRandom random) throws Exception {
    int per = total / threads;
    List<List<AccessLog.Event>> events = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<AccessLog.Event> mine = new ArrayList<>(per);
      for (int i = 0; i < per; i++) {
        mine.add(readEvent(random, "bench-" + t));
      }
      events.add(mine);
    }
    return inThreads(threads, per, (t, i) -> log.append(events.get(t).get(i)));
  }

  @FunctionalInterface
  interface Op {
    void run(int thread, int i) throws Exception;
  }

  /** Runs op {@code per} times on each of {@code threads} threads, started together; per-call latencies kept. */
  static Timed inThreads(int threads, int per, Op op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      long[][] latencies = new long[threads][per];
      java.util.concurrent.atomic.AtomicLong callerCpu = new java.util.concurrent.atomic.AtomicLong();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit((Callable<Void>) () -> {
          ready.countDown();
          go.await();
          long[] mine = latencies[thread];
          long c0 = THREADS.getCurrentThreadCpuTime();
          for (int i = 0; i < per; i++) {
            long t0 = System.nanoTime();
            op.run(thread, i);
            mine[i] = System.nanoTime() - t0;
          }
          callerCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - c0);
          return null;
        }));
      }
      ready.await();
      long cpu0 = processCpu();
      long sys0 = processSystemCpu();
      long gc0 = gcMillis();
      long jit0 = jitMillis();
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      long elapsed = System.nanoTime() - start;
      long cpu = processCpu() - cpu0;
      long sys = processSystemCpu() - sys0;
      long gc = gcMillis() - gc0;
      long jit = jitMillis() - jit0;
      long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
      return new Timed(elapsed, cpu, sys, gc, jit, callerCpu.get(), all);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Wall time, CPU time of the whole process (all threads, JIT and GC included), the part of it
   * spent in the kernel (-1 if unknown), time the collectors report, CPU time of the calling
   * threads (the group commit runs on them), and the sorted per-call latencies.
   */
  record Timed(long nanos, long cpuNanos, long systemCpuNanos, long gcMillis, long jitMillis, long callerCpuNanos, long[] sortedLatencies) {
    double seconds() {
      return nanos / 1e9;
    }

    int count() {
      return sortedLatencies.length;
    }

    long median() {
      return percentile(sortedLatencies, 50);
    }

    long p99() {
      return percentile(sortedLatencies, 99);
    }

    long max() {
      return sortedLatencies[sortedLatencies.length - 1];
    }
  }

  /** Milliseconds spent in garbage collection so far, summed over the collectors. */
  static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
  }

  /**
   * CPU time the JIT's compiler threads used so far, in ms, from their /proc/self/task stat lines
   * (the threads HotSpot names "C1 CompilerThre..." and "C2 CompilerThre..."); -1 where /proc is
   * not Linux's. Not the compilation MXBean's total: that sums each compilation's wall time, and on
   * 2 shared cores a compiler thread waits for a core for much of it (in session 22's runs it read
   * 9.5-10.6 s where the compiler threads used 5.9-6.7 s of CPU).
   */
  static long jitMillis() {
    try (java.util.stream.Stream<java.nio.file.Path> tasks = Files.list(Paths.get("/proc/self/task"))) {
      long ticks = 0;
      for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime and stime (fields 14 and 15), in clock ticks
        }
      }
      return ticks * (1000 / 100); // USER_HZ = 100 on Linux
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU time of this process so far, all threads. */
  static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Kernel CPU time of this process so far (stime in /proc/self/stat), or -1 where there is no /proc. */
  static long processSystemCpu() {
    try {
      String stat = Files.readString(Paths.get("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[12]) * (1_000_000_000L / 100); // field 15, in clock ticks (USER_HZ = 100 on Linux)
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** A progress line on standard error (the results file gets standard output only). */
  static void progress(String harness, String what) {
    System.err.printf("%s %s: %s (load average %.2f)%n", harness, java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        what, loadAverage());
  }

  static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** A comment line with the wall-clock time, to find the phase in a flight recording. */
  static void phase(String name) {
    System.out.printf("# %s: %s, load average %.2f%n", java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), name,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static void print(String name, double value, String unit) {
    print(name, value, unit, "");
  }

  static void print(String name, double value, String unit, String note) {
    String number = value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format("%d", (long) value)
        : Math.abs(value) >= 1000 ? String.format("%.0f", value)
        : Math.abs(value) >= 1 ? String.format("%.3f", value) : String.format("%.4f", value);
    System.out.println(name + ": " + number + " " + unit + (note.isEmpty() ? "" : "  " + note));
    System.out.flush();
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("bench: could not delete " + root + ": " + e.getMessage());
    }
  }
}
