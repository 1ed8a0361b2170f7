package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kinko.vault.store.FileStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a certified deletion nothing the vault keeps or hands out can confirm a guess at the
 * deleted content: no plain SHA-256 of it anywhere, and its commitment key in no row.
 */
class DeletedContentPrivacyTest {
  /** A short record an attacker could enumerate: a mobile number. */
  private static final byte[] CONTENT = "090-1234-5678".getBytes(StandardCharsets.UTF_8);
  private static final String PATH = "連絡先/山田.txt";

  @TempDir Path dir;

  @Test
  void afterRm_noTableColumnNorTheCertificateHoldsTheContentsSha256OrItsCommitmentKey() throws Exception {
    Path v = dir.resolve("vault");
    FileInfo stored;
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      stored = TestVaults.put(s, PATH, CONTENT);
    }
    String sealed = sealedMetaOf(v, stored.fileId());
    byte[] key;
    DeletionCertificate cert;
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      FileStore.Meta meta = FileStore.meta(io.kinko.vault.engine.EngineInternals.keys(s), stored.fileId(), sealed);
      key = meta.commitmentKey();
      assertEquals(32, key.length);
      assertArrayEquals(hmac(key, CONTENT), meta.commitment(), "the commitment is not HMAC-SHA256 of the content under its key");

      cert = s.delete(PATH);

      JsonObject item = JsonParser.parseString(cert.json()).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject();
      assertEquals(HexFormat.of().formatHex(meta.commitment()), item.get("contentCommitment").getAsString());
      assertEquals("HMAC-SHA256, per-file key destroyed with the file", item.get("commitmentMethod").getAsString());
    }

    List<String> secrets = encodings(MessageDigest.getInstance("SHA-256").digest(CONTENT));
    secrets.addAll(encodings(key));
    assertNoneIn("the certificate", cert.json(), secrets);
    List<String> cells = allCells(v);
    assertTrue(cells.stream().anyMatch(c -> c.contains(cert.id())), "the scan did not reach the certificates table");
    for (String cell : cells) {
      assertNoneIn("a database cell", cell, secrets);
    }
    for (Path file : TestVaults.filesUnder(v)) {
      assertNoneIn(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1), secrets);
      assertFalse(TestVaults.contains(Files.readAllBytes(file), key), file + " holds the commitment key's bytes");
    }
    // The deletions row still opens, and holds the path only: its key is scrubbed.
    String left = deletionsMetaOf(v, stored.fileId());
    try (Vault vault = TestVaults.open(v); Session s = TestVaults.login(vault)) {
      FileStore.Meta scrubbed = FileStore.meta(io.kinko.vault.engine.EngineInternals.keys(s), stored.fileId(), left);
      assertEquals(PATH, scrubbed.path());
      assertNull(scrubbed.commitmentKey(), "the deletions row still holds the commitment key");
      assertNull(scrubbed.commitment());
    }
  }

  @Test
  void aVersionStoredInTheFirstMetadataFormat_stillOpens_andShowsNoDigest() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = TestVaults.create(v); Session s = TestVaults.login(vault)) {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(CONTENT);
      byte[] path = PATH.getBytes(StandardCharsets.UTF_8);
      String fileId = "0123456789abcdef0123456789abcdef";
      // The first format, as vaults before content commitments wrote it: SHA-256 ‖ path.
      String old = Base64.getEncoder().encodeToString(
          io.kinko.vault.engine.EngineInternals.keys(s).seal("file-meta", ByteBuffer.allocate(32 + path.length).put(sha).put(path).array(), fileId));

      FileStore.Meta meta = FileStore.meta(io.kinko.vault.engine.EngineInternals.keys(s), fileId, old);
      assertEquals(PATH, meta.path());
      assertFalse(meta.hasCommitment(), "an old row got a commitment it cannot have");
      FileStore.Meta scrubbed = FileStore.meta(io.kinko.vault.engine.EngineInternals.keys(s), fileId, FileStore.scrubbedMeta(io.kinko.vault.engine.EngineInternals.keys(s), fileId, old));
      assertEquals(PATH, scrubbed.path());
      assertNull(scrubbed.commitment());
    }
  }

  private static byte[] hmac(byte[] key, byte[] content) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(content);
  }

  /** The ways a 32-byte value could be written into a column or a certificate. */
  private static List<String> encodings(byte[] value) {
    String hex = HexFormat.of().formatHex(value);
    return new ArrayList<>(List.of(hex, hex.toUpperCase(Locale.ROOT), Base64.getEncoder().encodeToString(value),
        Base64.getUrlEncoder().withoutPadding().encodeToString(value)));
  }

  private static void assertNoneIn(String where, String text, List<String> secrets) {
    for (String secret : secrets) {
      assertFalse(text.contains(secret), where + " holds " + secret);
    }
  }

  private static String sealedMetaOf(Path v, String fileId) throws Exception {
    return single(v, "SELECT sealed_meta FROM files WHERE file_id = ?", fileId);
  }

  private static String deletionsMetaOf(Path v, String fileId) throws Exception {
    return single(v, "SELECT sealed_meta FROM deletions WHERE file_id = ?", fileId);
  }

  private static String single(Path v, String sql, String arg) throws Exception {
    try (Connection c = TestDatabase.connect(v); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      try (ResultSet r = s.executeQuery()) {
        assertTrue(r.next(), "no row for " + arg);
        return r.getString(1);
      }
    }
  }

  /** Every cell of every table of the vault's schema, as text, read around the library. */
  private static List<String> allCells(Path v) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.connect(v)) {
      DatabaseMetaData meta = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet r = meta.getTables(null, c.getSchema(), "%", new String[] {"TABLE", "BASE TABLE"})) {
        while (r.next()) {
          tables.add(r.getString("TABLE_NAME"));
        }
      }
      assertTrue(tables.size() >= 5, "found only tables " + tables);
      for (String table : tables) {
        try (ResultSet r = c.createStatement().executeQuery("SELECT * FROM \"" + table + "\"")) {
          ResultSetMetaData columns = r.getMetaData();
          while (r.next()) {
            for (int i = 1; i <= columns.getColumnCount(); i++) {
              Object value = r.getObject(i);
              out.add(value instanceof byte[] b ? HexFormat.of().formatHex(b) + new String(b, StandardCharsets.ISO_8859_1)
                  : String.valueOf(value));
            }
          }
        }
      }
    }
    return out;
  }
}
