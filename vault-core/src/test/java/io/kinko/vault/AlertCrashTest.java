package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log is the outbox: a process killed with SIGKILL after its INCIDENT entry and before the
 * alert reached the sink loses nothing. The next process to open the vault, without a login,
 * delivers it on its own thread.
 */
class AlertCrashTest {
  @TempDir Path dir;

  @Test
  void anIncidentRaisedBeforeASigkill_isDeliveredByTheNextProcess() throws Exception {
    Path v = dir.resolve("vault");
    int port;
    try (ServerSocket reserve = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = reserve.getLocalPort();
    }
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      s.administration().addAlertSink(AlertSinkSpec.webhook("http://127.0.0.1:" + port + "/hook"));
    }
    Process child = TestVaults.java(List.of(), AlertCrashTarget.class, v.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long seq;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("RAISED "), "the child raised no incident: " + line);
      seq = Long.parseLong(line.substring(7));
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
    }
    assertEquals(137, child.exitValue(), "the child was not killed by SIGKILL");

    try (AlertReceivers.Webhook hook = new AlertReceivers.Webhook(port); Vault vault = TestVaults.open(v)) {
      // No login, no deliver call: the vault's own thread finds the alert the dead process left.
      String body = hook.next();
      assertEquals(seq, JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("kinko").get("seq").getAsLong());
      assertEquals(vault.id() + ":" + seq, JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("kinko").get("alertId").getAsString());
    }
  }
}
