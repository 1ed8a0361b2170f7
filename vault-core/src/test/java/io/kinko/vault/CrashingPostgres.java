package io.kinko.vault;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of its own that a test can crash at an exact point of the client's
 * conversation: clients connect through a relay that watches the SQL they send, and when a
 * statement containing the armed text arrives the server is killed (immediate shutdown, as a
 * power cut leaves it) before that statement reaches it. {@link #restart} brings it back on
 * the same data, which it recovers from its write-ahead log.
 *
 * <p>The server asks every user but {@code postgres} for a password (scram-sha-256).
 */
final class CrashingPostgres implements AutoCloseable {
  private final Path data;
  private final int serverPort;
  private final ServerSocket relay;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile EmbeddedPostgres server;
  private volatile String armed;
  private volatile String armedAfterCommit;
  /** What becomes of the answer to the COMMIT {@link #armedAfterCommit} names. */
  private volatile Answer answer = Answer.CRASH;
  private volatile boolean crashed;
  /** An armed COMMIT's answer was replaced (a PANIC in its place, or the connection cut). */
  private volatile boolean tripped;

  CrashingPostgres(Path folder) throws IOException {
    this.data = Files.createDirectories(folder.resolve("pgdata"));
    Path hba = folder.resolve("pg_hba.conf");
    Files.writeString(hba, String.join("\n",
        "local all postgres trust",
        "host all postgres 127.0.0.1/32 trust",
        "host all postgres ::1/128 trust",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host all all ::1/128 scram-sha-256", ""));
    this.server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
        .setServerConfig("hba_file", hba.toString()).setServerConfig("fsync", "on").start();
    this.serverPort = server.getPort();
    this.relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "pg-relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A URL through the relay, naming a new schema. Statements are never server-prepared, so each one's text passes the relay. */
  String newVaultUrl() throws SQLException {
    String schema = "shared_" + System.nanoTime();
    try (Connection c = server.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE SCHEMA " + schema);
    }
    return "jdbc:postgresql://localhost:" + relay.getLocalPort() + "/postgres?currentSchema=" + schema + "&prepareThreshold=0";
  }

  /** A URL through the relay, naming a new database that stores text in {@code encoding} (SQL_ASCII, LATIN1...). */
  String newDatabaseUrl(String encoding) throws SQLException {
    String name = "encoded_" + System.nanoTime();
    try (Connection c = server.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE " + name + " ENCODING '" + encoding + "' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    }
    return "jdbc:postgresql://localhost:" + relay.getLocalPort() + "/" + name + "?prepareThreshold=0";
  }

  /**
   * Relabels the database {@code url} names (one {@link #newDatabaseUrl} made) as storing text in
   * {@code encoding}, as a database created that way and filled with the same bytes would be:
   * SQL_ASCII keeps bytes unchecked, so a UTF8 database's bytes are a valid SQL_ASCII database.
   * New connections see it; close the vault first.
   */
  void relabelEncoding(String url, String encoding) throws SQLException {
    String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
    try (Connection c = server.getPostgresDatabase().getConnection();
         java.sql.PreparedStatement s = c.prepareStatement("UPDATE pg_database SET encoding = pg_char_to_encoding(?) WHERE datname = ?")) {
      s.setString(1, encoding);
      s.setString(2, name);
      if (s.executeUpdate() != 1) {
        throw new IllegalStateException("no database " + name);
      }
    }
  }

  /** Creates a login role that owns everything in the database's public objects it needs. */
  void createRole(String name, String password) throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE ROLE " + name + " LOGIN SUPERUSER PASSWORD '" + password + "'");
    }
  }

  /** The relay's port: where clients connect. */
  int port() {
    return relay.getLocalPort();
  }

  /** Crash the server when a client next sends a statement containing {@code sqlText}. */
  void crashWhenClientSends(String sqlText) {
    crashed = false;
    armed = sqlText;
  }

  /**
   * Crash the server once it has answered the {@code COMMIT} that follows a statement containing
   * {@code sqlText} on the same connection, before the client reads the answer: the change is
   * durable on the server, and the client cannot know it.
   */
  void crashAfterCommittingWhat(String sqlText) {
    crashed = false;
    answer = Answer.CRASH;
    armedAfterCommit = sqlText;
  }

  /**
   * Once the server has committed and answered the {@code COMMIT} that follows a statement
   * containing {@code sqlText}, the client reads, in place of that answer, a PANIC error with
   * SQLSTATE XX000 ("cannot abort transaction ..., it was already committed", what PostgreSQL
   * says when something fails after the commit record, as an fsync of the WAL that fails does),
   * and the connection ends. The server stays up, as it is once it restarted and replayed the commit.
   */
  void panicAfterCommittingWhat(String sqlText) {
    tripped = false;
    answer = Answer.PANIC;
    armedAfterCommit = sqlText;
  }

  /**
   * Once the server has committed and answered the {@code COMMIT} that follows a statement
   * containing {@code sqlText}, the relay drops that one connection before the client reads the
   * answer (the network failed); the server and every other connection stay up.
   */
  void cutAfterCommittingWhat(String sqlText) {
    tripped = false;
    answer = Answer.CUT;
    armedAfterCommit = sqlText;
  }

  /** Whether a {@link #panicAfterCommittingWhat} or {@link #cutAfterCommittingWhat} took effect. */
  boolean tripped() {
    return tripped;
  }

  boolean crashed() {
    return crashed;
  }

  /** Starts the server again on the same data and port, once the crash is over; it replays its WAL like after a power cut. */
  synchronized void restart() throws IOException {
    armed = null;
    armedAfterCommit = null;
    server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(serverPort)
        .setServerConfig("hba_file", data.resolveSibling("pg_hba.conf").toString()).setServerConfig("fsync", "on").start();
    crashed = false;
  }

  private void accept() {
    while (!relay.isClosed()) {
      try {
        Socket client = relay.accept();
        if (crashed) {
          client.close();
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        open.add(client);
        open.add(upstream);
        Conversation conversation = new Conversation();
        pump(client, upstream, true, conversation);
        pump(upstream, client, false, conversation);
      } catch (IOException e) {
        // The relay closed, or the server is down: the client sees its connection refused.
      }
    }
  }

  /** One client connection's state, which its two pumps share. */
  private static final class Conversation {
    /** The statement {@link #crashAfterCommittingWhat} names went by on this connection. */
    volatile boolean sawArmedText;
    /** Its COMMIT went to the server: the server's next bytes are the answer, which the client does not get. */
    volatile Answer answer;
  }

  private enum Answer { CRASH, PANIC, CUT }

  private void pump(Socket from, Socket to, boolean watch, Conversation conversation) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      // The last bytes of the previous read, so that text split across reads is still seen.
      String tail = "";
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          Answer replaced = watch ? null : conversation.answer;
          if (replaced != null) {
            switch (replaced) {
              case CRASH -> crash();
              case PANIC -> {
                tripped = true;
                out.write(panic());
                out.flush();
              }
              case CUT -> tripped = true;
            }
            return; // closes both ends
          }
          String afterCommit = armedAfterCommit;
          if (watch && afterCommit != null) {
            String seen = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            if (conversation.sawArmedText && seen.contains("COMMIT")) {
              armedAfterCommit = null;
              conversation.answer = answer; // before the server can answer
            } else if (seen.contains(new String(afterCommit.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))) {
              conversation.sawArmedText = true;
            }
          }
          String marker = armed;
          if (watch && marker != null) {
            String seen = tail + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            if (seen.contains(new String(marker.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))) {
              crash();
              return;
            }
            tail = seen.substring(Math.max(0, seen.length() - marker.length()));
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // One side went away; closing both ends tells the other.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "pg-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  /** An ErrorResponse of severity PANIC: what a backend sends before it aborts. */
  private static byte[] panic() {
    java.io.ByteArrayOutputStream fields = new java.io.ByteArrayOutputStream();
    for (String field : List.of("SPANIC", "VPANIC", "CXX000", "Mcannot abort transaction 1234, it was already committed")) {
      fields.writeBytes(field.getBytes(StandardCharsets.US_ASCII));
      fields.write(0);
    }
    fields.write(0);
    byte[] body = fields.toByteArray();
    return java.nio.ByteBuffer.allocate(1 + 4 + body.length).put((byte) 'E').putInt(4 + body.length).put(body).array();
  }

  /** Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, clients cut off. */
  private synchronized void crash() {
    if (crashed) {
      return;
    }
    crashed = true;
    armed = null;
    armedAfterCommit = null;
    try {
      long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
      Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start();
      kill.waitFor(10, TimeUnit.SECONDS);
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
      // Lets go of the data folder's lock; its stop command finds no server and says so.
      server.close();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("could not crash the test PostgreSQL server", e);
    }
    open.forEach(CrashingPostgres::closeQuietly);
    open.clear();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    relay.close();
    open.forEach(CrashingPostgres::closeQuietly);
    if (!crashed) {
      server.close();
    }
  }
}
