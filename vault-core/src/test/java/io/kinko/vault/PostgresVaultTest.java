package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What only a vault on PostgreSQL has: a URL in the descriptor and an account outside it, a
 * server that can be unreachable or refuse the account, and a server that can crash in the
 * middle of an operation. (The vault suites themselves run on PostgreSQL too: see the
 * {@code postgres} execution in vault-core's pom.)
 */
class PostgresVaultTest {
  private static final String ROLE = "kinko_app";
  private static final char[] ROLE_PASSWORD = "db-secret-7f3a9c".toCharArray();
  @TempDir static Path serverDir;
  static CrashingPostgres pg;
  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    pg = new CrashingPostgres(serverDir);
    pg.createRole(ROLE, new String(ROLE_PASSWORD));
  }

  @AfterAll
  static void stopServer() throws IOException {
    pg.close();
  }

  private static DatabaseAccount account() {
    return DatabaseAccount.of(ROLE, Password.copyOf(ROLE_PASSWORD));
  }

  private Vault create(Path v, String url) {
    try (Password pw = Password.copyOf(TestVaults.PASSWORD); DatabaseAccount account = account()) {
      Vault vault = Vault.builder(v).contract(TestVaults.CONTRACT).admin(TestVaults.ADMIN, pw).passwordCost(PasswordCost.MINIMUM)
          .database(url, account).create();
      TestVaults.grantAll(vault, TestVaults.ADMIN);
      return vault;
    }
  }

  private static Vault open(Path v) {
    try (DatabaseAccount account = account()) {
      return Vault.open(v, "postgres-test", account);
    }
  }

  @Test
  void aVaultOnPostgres_keepsItsUrlInTheDescriptor_andNoCredential_andNoLocalDatabase() throws Exception {
    Path v = dir.resolve("vault");
    String url = pg.newVaultUrl();
    try (Vault vault = create(v, url); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "住民票/0001.pdf", "scan".getBytes(StandardCharsets.UTF_8));
    }
    String descriptor = Files.readString(v.resolve("kinko.json"));
    assertTrue(descriptor.contains("\"database\": \"" + url + "\""), descriptor);
    assertFalse(descriptor.contains(ROLE) || descriptor.contains(new String(ROLE_PASSWORD)), descriptor);
    assertFalse(Files.exists(v.resolve("db")), "a vault on PostgreSQL made a local database");
    try (Vault vault = open(v); Session s = TestVaults.login(vault)) {
      assertArrayEquals("scan".getBytes(StandardCharsets.UTF_8), TestVaults.readAll(s, "住民票/0001.pdf"));
      LogReport report = s.verifyLog(null);
      assertEquals(report.treeSize(), report.entriesChecked());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"?password=x", "?ssl=true&user=kinko", "?sslpassword=x", "?PASSWORD=x"})
  void aUrlCarryingACredential_isRefused_andNothingIsCreated(String parameters) {
    Path v = dir.resolve("vault");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Vault.builder(v).database("jdbc:postgresql://localhost:5432/kinko" + parameters, null));
    assertTrue(e.getMessage().contains("must not carry"), e.getMessage());
    assertFalse(e.getMessage().contains("=x"), "the refusal echoed the secret: " + e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Vault.builder(v).database("jdbc:h2:mem:x", null));
    assertFalse(Files.exists(v));
  }

  @Test
  void aWrongDatabasePassword_isAClearError_andTheVaultIsNotOpened() throws Exception {
    Path v = dir.resolve("vault");
    create(v, pg.newVaultUrl()).close();
    try (DatabaseAccount wrong = DatabaseAccount.of(ROLE, Password.wrap("not-the-password".toCharArray()))) {
      VaultException e = assertThrows(VaultException.class, () -> Vault.open(v, "t", wrong));
      assertTrue(e.getMessage().contains("refused the credentials of database user '" + ROLE + "'"), e.getMessage());
      assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
      // The driver's own sentence ('password authentication failed for user "..."') stays out.
      assertTrue(e.getMessage().contains("SQLSTATE 28"), e.getMessage());
      assertFalse(e.getMessage().contains("\"" + ROLE + "\"") || e.getMessage().contains("FATAL"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"SQL_ASCII", "LATIN1", "EUC_JP"})
  void aDatabaseThatDoesNotStoreUtf8_isRefusedForANewVault_andNothingIsCreated(String encoding) throws Exception {
    Path v = dir.resolve("vault");
    String url = pg.newDatabaseUrl(encoding);
    VaultException e = assertThrows(VaultException.class, () -> create(v, url));
    assertTrue(e.getMessage().contains("stores text as " + encoding + ", not UTF8"), e.getMessage());
    assertFalse(Files.exists(v.resolve("kinko.json")));
    assertFalse(Files.exists(v.resolve("keys")), "a refused database left key files behind");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, ROLE, new String(ROLE_PASSWORD));
         java.sql.ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
      r.next();
      assertEquals(0, r.getLong(1), "the refused database was given tables");
    }
  }

  @Test
  void aVaultWhoseDatabaseNoLongerStoresUtf8_opensWithAWarning_andItsTextIsKept() throws Exception {
    Path v = dir.resolve("vault");
    String url = pg.newDatabaseUrl("UTF8");
    byte[] scan = "scan".getBytes(StandardCharsets.UTF_8);
    try (Vault vault = create(v, url); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "住民票/0001.pdf", scan);
    }
    pg.relabelEncoding(url, "SQL_ASCII");
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err as it is now
    try (Vault vault = open(v); Session s = TestVaults.login(vault)) {
      assertArrayEquals(scan, TestVaults.readAll(s, "住民票/0001.pdf"));
      assertEquals(List.of("住民票/0001.pdf"), s.list("住民票/").stream().map(FileInfo::path).toList());
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    err.print(log);
    assertTrue(log.contains("WARN") && log.contains("stores text as SQL_ASCII, not UTF8"), log);
    assertFalse(log.contains(new String(ROLE_PASSWORD)), log);
  }

  @Test
  void anUnreachableServer_isAClearError_andNoVaultIsCreated() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Path v = dir.resolve("vault");
    VaultException e = assertThrows(VaultException.class, () -> create(v, "jdbc:postgresql://localhost:" + closedPort + "/kinko"));
    assertTrue(e.getMessage().contains("cannot reach the vault database at jdbc:postgresql://localhost:" + closedPort), e.getMessage());
    assertFalse(Files.exists(v.resolve("kinko.json")));
    assertFalse(Files.exists(v.resolve("keys")), "an unreachable database left key files behind");
  }

  @Test
  void anEnvironmentWithoutADatabaseUser_isAClearError() throws Exception {
    Path v = dir.resolve("vault");
    create(v, pg.newVaultUrl()).close();
    VaultException e = assertThrows(VaultException.class, () -> DatabaseAccount.fromEnvironment(java.util.Map.of()));
    assertTrue(e.getMessage().contains(DatabaseAccount.USER_VARIABLE), e.getMessage());
    Path file = dir.resolve("pw");
    Files.writeString(file, new String(ROLE_PASSWORD) + "\n");
    try (DatabaseAccount fromFile = DatabaseAccount.fromEnvironment(java.util.Map.of(DatabaseAccount.USER_VARIABLE, ROLE,
        DatabaseAccount.PASSWORD_FILE_VARIABLE, file.toString()));
         Vault vault = Vault.open(v, "t", fromFile)) {
      assertFalse(fromFile.toString().contains(new String(ROLE_PASSWORD)), fromFile.toString());
      TestVaults.login(vault).close();
    }
  }

  @Test
  void aDatabaseHoldingAVault_isNotTakenByANewOne_norOpenedAsAnother() throws Exception {
    String url = pg.newVaultUrl();
    create(dir.resolve("first"), url).close();
    Path second = dir.resolve("second");
    VaultException e = assertThrows(VaultException.class, () -> create(second, url));
    assertTrue(e.getMessage().contains("already holds vault"), e.getMessage());
    assertFalse(Files.exists(second.resolve("keys")), "the refused vault left key files behind");
  }

  @Test
  void aHostPinnedToItsDatabase_refusesADescriptorNamingAnother_beforeConnecting() throws Exception {
    Path v = dir.resolve("vault");
    String url = pg.newVaultUrl();
    create(v, url).close();
    try (DatabaseAccount pinned = account().pinnedTo(url); Vault vault = Vault.open(v, "t", pinned)) {
      TestVaults.login(vault).close();
    }
    String elsewhere = "jdbc:postgresql://attacker.invalid:5432/kinko";
    Files.writeString(v.resolve("kinko.json"), Files.readString(v.resolve("kinko.json")).replace(url, elsewhere));
    try (DatabaseAccount pinned = DatabaseAccount.fromEnvironment(java.util.Map.of(DatabaseAccount.USER_VARIABLE, ROLE,
        DatabaseAccount.PASSWORD_VARIABLE, new String(ROLE_PASSWORD), DatabaseAccount.URL_VARIABLE, url))) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> Vault.open(v, "t", pinned));
      assertTrue(e.getMessage().contains("pinned"), e.getMessage());
    }
  }

  @Test
  void aDescriptorNamingADatabaseWithoutAVault_isRefused_andThatDatabaseIsLeftUntouched() throws Exception {
    Path v = dir.resolve("vault");
    String url = pg.newVaultUrl();
    create(v, url).close();
    String empty = pg.newVaultUrl();
    Files.writeString(v.resolve("kinko.json"), Files.readString(v.resolve("kinko.json")).replace(url, empty));
    IntegrityException e = assertThrows(IntegrityException.class, () -> open(v));
    assertTrue(e.getMessage().contains("holds no Kinko vault"), e.getMessage());
    String schema = empty.replaceAll(".*currentSchema=([a-z_0-9]+).*", "$1");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(empty, ROLE, new String(ROLE_PASSWORD));
         java.sql.ResultSet r = c.createStatement().executeQuery(
             "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + schema + "'")) {
      r.next();
      assertEquals(0, r.getLong(1), "opening created tables in a database that held no vault");
    }
  }

  /** Two hosts deleting the same file at once: one deletes and certifies it, the other is told it is gone. */
  @Test
  void twoHostsDeletingOneFileAtOnce_giveOneCertificate_andOneNotFound() throws Exception {
    Path v = dir.resolve("vault");
    create(v, pg.newVaultUrl()).close();
    try (Vault a = open(v); Vault b = open(v); Session sa = TestVaults.login(a); Session sb = TestVaults.login(b)) {
      TestVaults.put(sa, "台帳.csv", TestVaults.randomBytes(7, 3_000_000));
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      List<java.util.concurrent.Future<DeletionCertificate>> done = new java.util.ArrayList<>();
      for (Session s : List.of(sa, sb)) {
        done.add(pool.submit(() -> {
          start.await();
          return s.delete("台帳.csv");
        }));
      }
      int certified = 0;
      int notFound = 0;
      for (java.util.concurrent.Future<DeletionCertificate> f : done) {
        try {
          f.get();
          certified++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertTrue(e.getCause() instanceof NotFoundException, "the losing delete failed otherwise: " + e.getCause());
          notFound++;
        }
      }
      pool.shutdown();
      assertEquals(1, certified);
      assertEquals(1, notFound);
      assertEquals(1, sa.certificates().size());
      assertEquals(1, sa.logEntries(new LogQuery(null, null, null, "DELETE")).stream()
          .filter(entry -> entry.reason().startsWith("certified deletion")).count());
      assertThrows(NotFoundException.class, () -> sb.stat("台帳.csv"));
      sb.verifyLog(null);
    }
  }

  /** Two handles on one vault, as two hosts have, putting the same path at once: every version is kept. */
  @Test
  void twoHostsPuttingOnePathAtOnce_keepEveryVersion_numberedWithoutGaps() throws Exception {
    Path v = dir.resolve("vault");
    create(v, pg.newVaultUrl()).close();
    int each = 40;
    try (Vault a = open(v); Vault b = open(v); Session sa = TestVaults.login(a); Session sb = TestVaults.login(b)) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (Session s : List.of(sa, sb)) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            TestVaults.put(s, "共有/台帳.csv", (s.vault().toString() + i).getBytes(StandardCharsets.UTF_8));
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      List<FileInfo> versions = sa.versions("共有/台帳.csv");
      assertEquals(2 * each, versions.size());
      for (int i = 0; i < versions.size(); i++) {
        assertEquals(i + 1, versions.get(i).version());
      }
      assertEquals(2 * each, sb.logEntries(new LogQuery(null, null, null, "PUT")).size());
    }
  }

  /** The put's PUT entry, or its file row, never reaches the server: the file is not stored. */
  @ParameterizedTest
  @ValueSource(strings = {"INSERT INTO log_entries", "INSERT INTO files"})
  void theServerCrashingMidPut_leavesNoFile_andAVaultThatVerifies(String crashAt) throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = create(v, pg.newVaultUrl()); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "kept.txt", "kept".getBytes(StandardCharsets.UTF_8));
      pg.crashWhenClientSends(crashAt);
      assertThrows(VaultException.class, () -> TestVaults.put(s, "lost.txt", "lost".getBytes(StandardCharsets.UTF_8)));
      assertTrue(pg.crashed());
      pg.restart();
      // The session goes on once the server is back.
      assertThrows(NotFoundException.class, () -> s.stat("lost.txt"));
    }
    try (Vault vault = open(v); Session s = TestVaults.login(vault)) {
      assertThrows(NotFoundException.class, () -> s.stat("lost.txt"));
      assertEquals("kept", new String(TestVaults.readAll(s, "kept.txt"), StandardCharsets.UTF_8));
      assertEquals(1, TestVaults.filesUnder(v.resolve("blobs")).size(), "the failed put left its blob");
      assertEveryFileHasItsPutEntry(s);
      s.verifyLog(null);
    }
  }

  /**
   * The server commits a put's rows, and its answer never reaches Kinko: the server goes down
   * first (a crash), the network drops that one connection (a cut), or the answer is a PANIC
   * (SQLSTATE XX000, what PostgreSQL says of a failure after the commit record, which it replays
   * when it restarts) and the connection ends. The put fails as one whose outcome is unknown; the
   * rows are stored, and so must its blob be.
   */
  @ParameterizedTest
  @ValueSource(strings = {"crash", "cut", "panic"})
  void aPutWhoseCommitAnswerIsLost_keepsTheFileWhole(String how) throws Exception {
    Path v = dir.resolve("vault");
    byte[] late = TestVaults.randomBytes(7, 100_000);
    try (Vault vault = create(v, pg.newVaultUrl()); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "kept.txt", "kept".getBytes(StandardCharsets.UTF_8));
      switch (how) {
        case "crash" -> pg.crashAfterCommittingWhat("INSERT INTO files ");
        case "cut" -> pg.cutAfterCommittingWhat("INSERT INTO files ");
        default -> pg.panicAfterCommittingWhat("INSERT INTO files ");
      }
      OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> TestVaults.put(s, "late.bin", late));
      assertTrue(e.getMessage().contains("may be stored"), e.getMessage());
      if (how.equals("crash")) {
        assertTrue(pg.crashed());
        pg.restart();
      } else {
        assertTrue(pg.tripped());
        // The server lives on, so the log takes the entry after the PUT: not "failed", since the file may be stored.
        List<LogEntry> puts = s.logEntries(new LogQuery(null, null, null, "PUT"));
        LogEntry last = puts.get(puts.size() - 1);
        assertTrue(last.decision().equals("DENY") && last.reason().startsWith("outcome unknown after approval: "), last::reason);
        assertEquals(puts.get(puts.size() - 2).fileId(), last.fileId());
      }
      assertArrayEquals(late, TestVaults.readAll(s, "late.bin"));
    }
    try (Vault vault = open(v); Session s = TestVaults.login(vault)) {
      assertArrayEquals(late, TestVaults.readAll(s, "late.bin"));
      assertEquals("kept", new String(TestVaults.readAll(s, "kept.txt"), StandardCharsets.UTF_8));
      assertEquals(List.of(), s.logEntries(new LogQuery(null, null, null, "INCIDENT")));
      assertEveryFileHasItsPutEntry(s);
      s.verifyLog(null);
    }
  }

  /**
   * A grant the server committed, whose answer the network lost: the grant is stored, and the log
   * must not say it failed. Its entry after the ALLOW says the outcome was unknown.
   */
  @Test
  void aGrantWhoseCommitAnswerIsLost_isStored_andLoggedAsUnknownNotFailed() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = create(v, pg.newVaultUrl()); Session s = TestVaults.login(vault)) {
      pg.cutAfterCommittingWhat("INSERT INTO grants ");
      OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
          () -> s.administration().grant("sato", "台帳", java.util.EnumSet.of(Permission.READ)));
      assertTrue(pg.tripped());
      assertTrue(e.getMessage().contains("may be stored"), e::getMessage);
      assertTrue(s.administration().acl("台帳").stream().anyMatch(g -> g.user().equals("sato")), "the server did not commit the grant");
      List<String> grants = s.logEntries(new LogQuery(null, null, null, "GRANT")).stream().map(x -> x.decision() + " " + x.reason()).toList();
      String last = grants.get(grants.size() - 1);
      assertTrue(last.startsWith("DENY outcome unknown after approval: "), () -> grants.toString());
    }
  }

  /**
   * An import whose files the server committed, and whose answer the network lost (that one
   * connection cut, the server up): the files are stored under its IMPORT entry, so the package
   * must not be taken in a second time, which would put its files over newer versions again.
   */
  @Test
  void anImportWhoseCommitAnswerIsLost_isNotTakenInAgain() throws Exception {
    Path identity = Files.writeString(dir.resolve("key.txt"), io.kinko.vault.transport.AgeKeys.IDENTITY + "\n");
    Path pkg = dir.resolve("p.age");
    try (Vault sender = TestVaults.create(dir.resolve("sender")); Session out = TestVaults.login(sender)) {
      TestVaults.put(out, "a/1.txt", "one".getBytes(StandardCharsets.UTF_8));
      out.exportPackage(List.of("a"), Transport.Recipients.of(List.of(io.kinko.vault.transport.AgeKeys.RECIPIENT)), pkg);
    }
    Path v = dir.resolve("vault");
    try (Vault vault = create(v, pg.newVaultUrl()); Session s = TestVaults.login(vault)) {
      Transport.Identities ids = new Transport.Identities(List.of(identity), null);
      pg.cutAfterCommittingWhat("INSERT INTO files ");
      assertThrows(VaultException.class, () -> s.importPackage(pkg, ids, null, ""));
      assertTrue(pg.tripped());
      assertEquals(1, s.versions("a/1.txt").size(), "the server did not commit the import's files");
      IntegrityException again = assertThrows(IntegrityException.class, () -> s.importPackage(pkg, ids, null, ""),
          "a package whose files are stored was taken in again");
      assertTrue(again.getMessage().contains("was imported into this vault before"), again::getMessage);
      assertEquals(1, s.versions("a/1.txt").size());
    }
  }

  @Test
  void theServerCrashingMidGet_yieldsNoByte_andLeavesNoGetEntry() throws Exception {
    Path v = dir.resolve("vault");
    try (Vault vault = create(v, pg.newVaultUrl()); Session s = TestVaults.login(vault)) {
      TestVaults.put(s, "a.txt", "secret".getBytes(StandardCharsets.UTF_8));
      pg.crashWhenClientSends("INSERT INTO log_entries");
      VaultException e = assertThrows(VaultException.class, () -> {
        try (InputStream in = s.get("a.txt")) {
          in.readAllBytes();
        }
      });
      assertTrue(e.getMessage().contains("log"), e.getMessage());
      pg.restart();
    }
    try (Vault vault = open(v); Session s = TestVaults.login(vault)) {
      assertEquals(List.of(), s.logEntries(new LogQuery(null, null, null, "GET")));
      s.verifyLog(null);
      assertEquals("secret", new String(TestVaults.readAll(s, "a.txt"), StandardCharsets.UTF_8));
    }
  }

  /** The key is destroyed when the server goes; the next login finishes and certifies the deletion. */
  @Test
  void theServerCrashingMidDelete_isFinishedAndCertifiedAtTheNextLogin() throws Exception {
    Path v = dir.resolve("vault");
    Vault vault = create(v, pg.newVaultUrl());
    String fileId;
    try (Session s = TestVaults.login(vault)) {
      fileId = TestVaults.put(s, "台帳.csv", "row".getBytes(StandardCharsets.UTF_8)).fileId();
      pg.crashWhenClientSends("DELETE FROM files");
      assertThrows(VaultException.class, () -> s.delete("台帳.csv"));
      assertTrue(pg.crashed());
      assertFalse(Files.exists(v.resolve("blobs").resolve(fileId.substring(0, 2)).resolve(fileId)), "the blob outlived the crash");
      pg.restart();
    }
    vault.close();
    try (Vault reopened = open(v); Session s = TestVaults.login(reopened)) {
      assertThrows(NotFoundException.class, () -> s.stat("台帳.csv"));
      List<DeletionCertificate> certificates = s.certificates();
      assertEquals(1, certificates.size());
      assertTrue(certificates.get(0).json().contains(fileId), certificates.get(0).json());
      assertEquals(1, s.logEntries(new LogQuery(null, null, null, "DELETE")).size());
      s.verifyLog(null);
    }
  }

  private static void assertEveryFileHasItsPutEntry(Session s) {
    Set<String> logged = s.logEntries(new LogQuery(null, null, null, "PUT")).stream().map(LogEntry::fileId).collect(Collectors.toSet());
    for (FileInfo f : s.list("")) {
      assertTrue(logged.contains(f.fileId()), "file " + f.path() + " has no PUT entry");
    }
  }
}
