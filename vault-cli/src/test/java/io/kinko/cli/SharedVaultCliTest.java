package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinko init --db}: a vault whose metadata is on a real PostgreSQL server. */
class SharedVaultCliTest {
  static EmbeddedPostgres pg;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    pg = EmbeddedPostgres.builder().setServerConfig("fsync", "on").start();
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  private String newSchema(String name) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE SCHEMA " + name);
    }
    return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?currentSchema=" + name;
  }

  private Cli.Result init(Cli cli, String url) {
    return cli.run("init", "--contract-id", "R7-0042", "--client", "テスト市", "--contractor", "金庫株式会社",
        "--contract-end", "2027-03-31", "--admin", Cli.USER, "--password-cost", "minimum", "--db", url);
  }

  @Test
  void initWithDb_keepsTheVaultOnPostgres_andEveryCommandReachesIt() throws Exception {
    Path vault = dir.resolve("vault");
    String url = newSchema("cli_round_trip");
    Cli cli = Cli.forVault(vault).env("KINKO_DB_USER", "postgres");
    Cli.Result created = init(cli, url);
    assertEquals(0, created.exit(), created.toString());
    assertTrue(Files.readString(vault.resolve("kinko.json")).contains(url));
    assertFalse(Files.exists(vault.resolve("db")), "an embedded database was made too");
    assertEquals(0, cli.run("grant", Cli.USER, ".", "read,write,delete").exit());
    Path source = Files.writeString(dir.resolve("申請書.txt"), "申請内容");
    assertEquals(0, cli.run("put", source.toString(), "受付/申請書.txt").exit());
    Cli.Result got = cli.run("get", "受付/申請書.txt", "-o", "-");
    assertEquals(0, got.exit(), got.toString());
    assertEquals("申請内容", new String(got.outBytes(), StandardCharsets.UTF_8));
    Cli.Result verified = cli.run("log", "verify");
    assertEquals(0, verified.exit(), verified.toString());

    Cli.Result noAccount = Cli.forVault(vault).run("ls");
    assertEquals(1, noAccount.exit(), noAccount.toString());
    assertTrue(noAccount.err().contains("KINKO_DB_USER"), noAccount.err());
  }

  @Test
  void aStaleDatabasePasswordFile_doesNotStopAnEmbeddedVault() {
    Cli cli = Cli.forVault(dir.resolve("local")).init();
    Cli.Result listed = cli.env("KINKO_DB_USER", "someone").env("KINKO_DB_PASSWORD_FILE", dir.resolve("gone").toString()).run("ls");
    assertEquals(0, listed.exit(), listed.toString());
  }

  @Test
  void initWithADbUrlCarryingAPassword_exits2_andCreatesNothing() {
    Path vault = dir.resolve("vault");
    Cli.Result refused = init(Cli.forVault(vault).env("KINKO_DB_USER", "postgres"),
        "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?password=hunter2");
    assertEquals(2, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("must not carry"), refused.err());
    assertFalse(refused.err().contains("hunter2"), refused.err());
    assertFalse(Files.exists(vault));
  }

  @Test
  void initWithDb_withoutADatabaseUser_exits2() throws Exception {
    Cli.Result refused = init(Cli.forVault(dir.resolve("vault")), newSchema("cli_no_user"));
    assertEquals(2, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("KINKO_DB_USER"), refused.err());
  }

  @Test
  void initWithAnUnreachableDb_saysSo_andLeavesTheFolderEmpty() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path vault = dir.resolve("vault");
    Cli.Result failed = init(Cli.forVault(vault).env("KINKO_DB_USER", "postgres"), "jdbc:postgresql://localhost:" + closed + "/kinko");
    assertEquals(1, failed.exit(), failed.toString());
    assertTrue(failed.err().contains("cannot reach the vault database at jdbc:postgresql://localhost:" + closed), failed.err());
    assertFalse(Files.exists(vault.resolve("kinko.json")));
  }
}
