package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability is real: a process killed right after a read leaves its GET entry on disk. */
class CrashTest {
  @TempDir Path dir;

  @Test
  void aReaderKilledWithSigkill_leavesItsGetEntryInTheLog() throws Exception {
    Path v = dir.resolve("vault");
    String fileId;
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      fileId = TestVaults.put(s, "申請書.pdf", "content".getBytes(StandardCharsets.UTF_8)).fileId();
    }
    Process reader = TestVaults.java(List.of(), CrashTarget.class, v.toString(), "申請書.pdf")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String line;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
      assertEquals("READ 7", line, "the reader did not read the file");
      reader.destroyForcibly();
      assertTrue(reader.waitFor(30, TimeUnit.SECONDS), "the reader did not die");
    }
    assertEquals(137, reader.exitValue(), "the reader was not killed by SIGKILL");

    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      List<LogEntry> gets = s.logEntries(new LogQuery(null, null, null, "GET"));
      assertEquals(1, gets.size());
      assertEquals(fileId, gets.get(0).fileId());
      assertEquals("crash-target", gets.get(0).application());
      s.verifyLog(null);
    }
  }
}
