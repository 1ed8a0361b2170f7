package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.audit.AccessLog;
import io.kinko.vault.audit.CommitStepHook;
import io.kinko.vault.engine.EngineInternals;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session.checkpoint() appends its CHECKPOINT entry (it returns at the journal's sync), then signs
 * in LogCheckpoints.sign, which is synchronized, and inside it waits in the readers' barrier for
 * the filler. The CHECKPOINT entry's listener signs for the policy, synchronized on the same
 * object. When the listeners ran on the filler's thread, the filler blocked on the monitor and the
 * session thread waited for the filler for ever (found by an attacker's review); they now run on a
 * thread of their own, which the barrier does not wait for.
 */
class JournalFillDeadlockTest {
  private static final String FILLER = "kinko-log-filler";
  @TempDir Path dir;

  @AfterEach
  void unhook() {
    CommitStepHook.clear();
  }

  @Test
  void sessionCheckpoint_whileThePolicyIsDue_completes() throws Exception {
    Vault vault;
    try (Password password = Password.copyOf(TestVaults.PASSWORD)) {
      vault = TestVaults.builder(dir.resolve("vault")).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, password)
          .passwordCost(PasswordCost.MINIMUM)
          .logPolicy(new LogPolicy(Period.ofYears(1), 1, Duration.ofMinutes(5))) // every batch is due a checkpoint
          .create();
    }
    TestVaults.grantAll(vault, TestVaults.ADMIN);
    Session session = TestVaults.login(vault); // lends its signing key to the checkpoint policy
    AccessLog log = EngineInternals.log(vault);
    log.head(); // the filler is done with everything so far, listeners included

    CommitStepHook.Held held = CommitStepHook.holdOnce("database.commit", FILLER);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread signer = new Thread(() -> {
      try {
        session.checkpoint();
      } catch (Throwable t) {
        failed.set(t);
      }
    }, "signer");
    signer.setDaemon(true);
    signer.start();
    assertTrue(held.awaitReached(), "the filler never reached the CHECKPOINT entry's commit");
    // The CHECKPOINT entry returned at the journal's sync; the session thread is now in
    // LogCheckpoints.sign (holding its monitor), waiting in the barrier for the held filler.
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    while (!(signer.getState() == Thread.State.WAITING && holdsMonitorOf(mx, signer, "LogCheckpoints"))) {
      assertTrue(signer.isAlive(), "the signer ended early: " + failed.get());
      Thread.onSpinWait();
    }
    held.release();
    signer.join(TimeUnit.SECONDS.toMillis(60));
    if (signer.isAlive()) {
      Thread filler = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(FILLER)).findFirst().orElseThrow();
      ThreadInfo f = mx.getThreadInfo(filler.getId(), Integer.MAX_VALUE);
      ThreadInfo s = mx.getThreadInfo(signer.getId(), Integer.MAX_VALUE);
      // Left open on purpose: closing would wait for the deadlocked filler forever.
      assertFalse(true, "deadlock: filler " + f.getThreadState() + " on " + f.getLockName() + " owned by " + f.getLockOwnerName()
          + " at " + frames(f) + "; signer " + s.getThreadState() + " at " + frames(s));
    }
    assertTrue(failed.get() == null, "checkpoint failed: " + failed.get());
    session.close();
    vault.close();
  }

  private static boolean holdsMonitorOf(ThreadMXBean mx, Thread t, String simpleClassName) {
    ThreadInfo info = mx.getThreadInfo(new long[] {t.getId()}, true, false)[0];
    if (info == null) {
      return false;
    }
    for (MonitorInfo m : info.getLockedMonitors()) {
      if (m.getClassName().endsWith("." + simpleClassName)) {
        return true;
      }
    }
    return false;
  }

  private static String frames(ThreadInfo info) {
    StringBuilder b = new StringBuilder();
    StackTraceElement[] st = info.getStackTrace();
    for (int i = 0; i < Math.min(st.length, 12); i++) {
      b.append("\n    ").append(st[i]);
    }
    return b.toString();
  }
}
