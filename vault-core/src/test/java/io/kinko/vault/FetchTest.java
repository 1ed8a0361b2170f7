package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Session#fetch}: a file or a folder in one call, and one entry that says which. */
class FetchTest {
  private static final char[] BOB_PASSWORD = "a long staff password 1".toCharArray();

  @TempDir Path dir;
  Vault vault;
  Session admin;

  @BeforeEach
  void open() {
    vault = TestVaults.create(dir.resolve("vault"));
    admin = TestVaults.login(vault);
    TestVaults.put(admin, "案件A/a.txt", "a".getBytes());
    TestVaults.put(admin, "案件A/sub/b.txt", "bb".getBytes());
    TestVaults.put(admin, "案件B/c.txt", "c".getBytes());
  }

  @AfterEach
  void close() {
    admin.close();
    vault.close();
  }

  /** The entries logged while {@code work} ran. */
  private List<LogEntry> entriesOf(Runnable work) {
    int before = admin.logEntries(LogQuery.ALL).size(); // which includes the query's own LOG_SHOW
    work.run();
    List<LogEntry> all = admin.logEntries(LogQuery.ALL);
    return all.subList(before, all.size() - 1);
  }

  private static List<String> actions(List<LogEntry> entries) {
    return entries.stream().map(e -> e.action() + " " + e.decision()).toList();
  }

  private Session bob(EnumSet<Permission> onFolderA) {
    try (Password p = Password.copyOf(BOB_PASSWORD)) {
      admin.administration().addUser("bob", Role.WORKER, p, null);
    }
    if (!onFolderA.isEmpty()) {
      admin.administration().grant("bob", "案件A/sub", onFolderA);
    }
    try (Password p = Password.copyOf(BOB_PASSWORD)) {
      return vault.login("bob", p);
    }
  }

  @Test
  void fetch_ofAFile_opensItWithOneGetEntryAndNoListing() {
    String[] fileId = new String[1];
    List<LogEntry> logged = entriesOf(() -> {
      Session.Fetched fetched = admin.fetch("案件A/a.txt");
      Session.FetchedFile file = assertInstanceOf(Session.FetchedFile.class, fetched);
      assertEquals("案件A/a.txt", file.info().path());
      fileId[0] = file.info().fileId();
      try (InputStream in = file.content()) {
        assertArrayEquals("a".getBytes(), in.readAllBytes());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertEquals(List.of("GET ALLOW"), actions(logged));
    assertEquals(fileId[0], logged.get(0).fileId(), "the GET names the file it opened");
  }

  @Test
  void fetch_ofAFolder_listsItWithOneListEntryAndLogsNoGet() {
    List<LogEntry> logged = entriesOf(() -> {
      Session.FetchedFolder folder = assertInstanceOf(Session.FetchedFolder.class, admin.fetch("案件A"));
      assertEquals(List.of("案件A/a.txt", "案件A/sub/b.txt"), folder.files().stream().map(FileInfo::path).toList());
    });
    assertEquals(List.of("LIST ALLOW"), actions(logged));
  }

  @Test
  void fetch_ofTheRoot_listsTheWholeVault() {
    Session.FetchedFolder all = assertInstanceOf(Session.FetchedFolder.class, admin.fetch(""));
    assertEquals(3, all.files().size());
  }

  @Test
  void fetch_ofNothing_isNotFound_loggedAsAnAllowedGetLikeGet() {
    List<LogEntry> logged = entriesOf(() -> assertThrows(NotFoundException.class, () -> admin.fetch("案件C")));
    assertEquals(List.of("GET ALLOW"), actions(logged));
    assertEquals("not found", logged.get(0).reason());
  }

  @Test
  void fetch_ofAFolder_listsOnlyWhatTheReaderMayRead() {
    try (Session bob = bob(EnumSet.of(Permission.READ))) {
      Session.FetchedFolder folder = assertInstanceOf(Session.FetchedFolder.class, bob.fetch("案件A"));
      assertEquals(List.of("案件A/sub/b.txt"), folder.files().stream().map(FileInfo::path).toList());
    }
  }

  @Test
  void fetch_withoutReadGrant_isDeniedAndLoggedAsAGet() {
    try (Session bob = bob(EnumSet.noneOf(Permission.class))) {
      assertThrows(AccessDeniedException.class, () -> bob.fetch("案件A/a.txt"));
      assertThrows(AccessDeniedException.class, () -> bob.fetch("案件A"));
    }
    List<LogEntry> bobs = admin.logEntries(new LogQuery(null, null, "bob", null));
    assertEquals(List.of("LOGIN ALLOW", "GET DENY", "GET DENY"), actions(bobs));
    assertEquals(null, bobs.get(1).fileId(), "a denied reader learns nothing, not even the file id");
  }
}
