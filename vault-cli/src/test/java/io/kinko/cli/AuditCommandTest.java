package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinko audit} on a real vault: exit codes 0, 1 and 5, what it prints, the signed result and the AUDIT entry. */
class AuditCommandTest {
  @TempDir Path dir;
  private Path vault;
  private Cli cli;

  @BeforeEach
  void init() {
    vault = dir.resolve("vault");
    cli = Cli.forVault(vault).init();
  }

  private void addSecondAdmin() throws IOException {
    Path pw = Files.writeString(dir.resolve("new.txt"), "another long passphrase\n");
    assertEquals(0, cli.run("user", "add", "suzuki", "--role", "admin", "--new-password-file", pw.toString()).exit());
  }

  private String putOne(String name, String content) throws IOException {
    Path file = Files.writeString(dir.resolve(name), content);
    assertEquals(0, cli.run("put", file.toString(), name).exit());
    JsonObject ls = JsonParser.parseString(cli.run("ls", name, "--json").out()).getAsJsonObject();
    return ls.getAsJsonArray("files").get(0).getAsJsonObject().get("fileId").getAsString();
  }

  private Path blob(String fileId) {
    return vault.resolve("blobs").resolve(fileId.substring(0, 2)).resolve(fileId);
  }

  /** Flips one bit of a small blob, as damage or an edit on disk would. */
  private static void flip(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 1;
    Files.write(file, bytes);
  }

  private static List<Path> written(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return s.sorted().toList();
    }
  }

  @Test
  void audit_ofACleanVault_exits0_andWritesAResultThatOpensslVerifies() throws Exception {
    addSecondAdmin();
    putOne("a.txt", "氏名: 山田太郎");
    Path out = dir.resolve("audits");
    Cli.Result r = cli.run("audit", "--deep", "-o", out.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains(": clean") && r.out().contains("openssl pkeyutl -verify"), r.out());
    List<Path> files = written(out);
    assertEquals(2, files.size(), files.toString());
    Path json = files.get(0);
    assertTrue(json.getFileName().toString().matches("audit-\\d{8}T\\d{6}Z\\.json"), json.toString());
    Path pem = dir.resolve("vault.pub.pem");
    assertEquals(0, cli.run("key", "export", "-o", pem.toString()).exit());
    assertEquals(0, Cli.openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in", json.toString(),
        "-sigfile", files.get(1).toString()), "openssl rejected the audit result");
    JsonObject log = JsonParser.parseString(cli.run("log", "show", "--json").out()).getAsJsonObject();
    long audits = 0;
    for (JsonElement e : log.getAsJsonArray("entries")) {
      audits += e.getAsJsonObject().get("action").getAsString().equals("AUDIT") ? 1 : 0;
    }
    assertEquals(2, audits, "the audit's ALLOW entry and the one closing it");
  }

  @Test
  void audit_withALoneAdministrator_exits1_andSaysWhatToDo() {
    Cli.Result r = cli.run("audit", "-o", dir.resolve("audits").toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.out().contains("WARNING  admin-alone:" + Cli.USER), r.out());
    assertTrue(r.out().contains("to do: add a second administrator"), r.out());
  }

  @Test
  void audit_twiceIntoOneFolder_keepsBothResults() throws IOException {
    Path out = dir.resolve("audits");
    cli.run("audit", "-o", out.toString());
    cli.run("audit", "-o", out.toString());
    assertEquals(4, written(out).size(), written(out).toString());
  }

  @Test
  void audit_ofAFlippedBodyByte_exits5_onlyWithDeep() throws Exception {
    addSecondAdmin();
    String id = putOne("a.txt", "氏名: 山田太郎");
    flip(blob(id), Files.size(blob(id)) - 2);
    assertEquals(0, cli.run("audit", "-o", dir.resolve("a1").toString()).exit(), "a body flip is found only by --deep");
    Cli.Result deep = cli.run("audit", "--deep", "-o", dir.resolve("a2").toString(), "--json");
    assertEquals(5, deep.exit(), deep.toString());
    JsonObject o = JsonParser.parseString(deep.out()).getAsJsonObject();
    assertEquals("INTEGRITY", o.get("result").getAsString());
    JsonArray findings = o.getAsJsonArray("findings");
    assertEquals("blob-body:" + id, findings.get(0).getAsJsonObject().get("id").getAsString(), findings.toString());
    assertEquals("INTEGRITY", findings.get(0).getAsJsonObject().get("severity").getAsString());
    assertTrue(Files.exists(Path.of(o.get("file").getAsString())) && Files.exists(Path.of(o.get("signature").getAsString())));
  }

  @Test
  void audit_ofAFlippedHeaderByte_exits5_withoutDeep() throws Exception {
    addSecondAdmin();
    String id = putOne("a.txt", "氏名: 山田太郎");
    flip(blob(id), 40);
    Cli.Result r = cli.run("audit", "-o", dir.resolve("a").toString());
    assertEquals(5, r.exit(), r.toString());
    assertTrue(r.out().contains("INTEGRITY  blob-header:" + id), r.out());
    assertFalse(r.out().contains("山田"), "a finding names files by id, never by path");
  }
}
