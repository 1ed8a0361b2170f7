package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.kinko.vault.AccessDeniedException;
import io.kinko.vault.Contract;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import io.kinko.vault.VaultStatus;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;

/**
 * {@code kinko status}: one look at a vault for its privacy manager: what it is, where its
 * metadata lives, how far its log and checkpoints reach, whether its folder is private, and
 * what needs attention. Reads through the public API only; the user and grant counts need an
 * administrator and are left out for anyone else.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Shows the vault's id, contract and retention date, backend, users and grants (administrators), the log's size "
        + "and last checkpoint, the modes of the vault folder, and what needs attention.",
        "Attention: the retention period has passed, no checkpoint or none for " + StatusCommand.CHECKPOINT_DAYS
            + " days (monthly reports carry one), an alert sink failing or with alerts waiting over "
            + io.kinko.vault.AlertSinkHealth.PENDING_BOUND_MINUTES + " minutes, files or folders of the vault readable by others than its owner."})
final class StatusCommand extends VaultCommand {
  /** A checkpoint older than this is worth a word: the city gets one with each monthly report. */
  static final int CHECKPOINT_DAYS = 31;
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_EXECUTE);

  @Override
  int run(Session session, Context context) throws IOException {
    Vault vault = session.vault();
    VaultStatus status = vault.status();
    Contract contract = vault.contract();
    LocalDate retention = contract.end().plusYears(1);
    Integer users = null;
    Integer grants = null;
    try {
      users = session.administration().users().size();
      grants = session.administration().acl("").size();
    } catch (AccessDeniedException notAnAdministrator) {
      ui.step("user and grant counts left out: they need an administrator");
    }
    Modes modes = Modes.of(vault.directory());
    List<String> attention = attention(retention, status, modes, Instant.now());
    if (ui.json()) {
      JsonObject o = ui.object();
      o.addProperty("vaultId", vault.id());
      o.addProperty("directory", vault.directory().toAbsolutePath().normalize().toString());
      JsonObject c = new JsonObject();
      c.addProperty("id", contract.id());
      c.addProperty("client", contract.client());
      c.addProperty("contractor", contract.contractor());
      c.addProperty("end", contract.end().toString());
      o.add("contract", c);
      o.addProperty("retentionUntil", retention.toString());
      o.addProperty("backend", status.backend());
      o.add("users", number(users));
      o.add("grants", number(grants));
      JsonObject log = new JsonObject();
      log.addProperty("size", status.logSize());
      log.add("checkpointSize", status.checkpointSize() < 0 ? JsonNull.INSTANCE : new JsonPrimitive(status.checkpointSize()));
      log.add("checkpointAt", Json.time(status.checkpointAt()));
      o.add("log", log);
      JsonObject m = new JsonObject();
      m.addProperty("folder", modes.folder());
      m.addProperty("tooOpen", modes.tooOpen().size());
      m.add("tooOpenPaths", Json.strings(modes.tooOpen()));
      o.add("modes", m);
      JsonArray sinks = new JsonArray();
      status.alerts().forEach(h -> sinks.add(AlertListCommand.health(h)));
      o.add("alerts", sinks);
      o.addProperty("recoveryFingerprint", status.recoveryFingerprint());
      JsonArray a = Json.strings(attention);
      o.add("attention", a);
      ui.print(o);
      return ExitCodes.OK;
    }
    var out = ui.text();
    out.println("vault      " + vault.id() + "  " + vault.directory().toAbsolutePath().normalize());
    out.println("contract   " + contract.id() + ", " + contract.client() + " / " + contract.contractor() + ", ends " + contract.end());
    out.println("retention  log kept until at least " + retention + " (" + Times.human(retention.plusDays(1).atStartOfDay(Contract.ZONE).toInstant())
        + " ends it)");
    out.println("backend    " + status.backend());
    out.println("users      " + (users == null ? "- (administrators only)" : users + ", " + PutCommand.count(grants, "grant")));
    out.println("log        " + PutCommand.count(status.logSize(), "entry", "entries") + "; last checkpoint: "
        + (status.checkpointSize() < 0 ? "none" : "size " + status.checkpointSize() + ", signed " + Times.human(status.checkpointAt())));
    out.println("modes      folder " + modes.folder() + ", " + (modes.tooOpen().isEmpty() ? "every file and folder private to its owner"
        : modes.tooOpen().size() + " open to others: " + String.join(", ", modes.tooOpen().subList(0, Math.min(5, modes.tooOpen().size())))));
    out.println("alerts     " + (status.alerts().isEmpty() ? "no sinks: incidents are only in the log (kinko alert add)"
        : status.alerts().size() + " sink(s), " + status.alerts().stream().filter(h -> !h.healthy()).count() + " failing, "
            + status.alerts().stream().mapToLong(h -> h.pending()).sum() + " alert(s) pending"));
    out.println("recovery   " + (status.recoveryFingerprint() == null ? "no recovery key" : "key " + status.recoveryFingerprint()
        + " (compare it with the sheet in the safe)"));
    if (attention.isEmpty()) {
      out.println("attention  nothing");
    } else {
      attention.forEach(line -> out.println("attention  " + line));
    }
    return ExitCodes.OK;
  }

  /** What the privacy manager should act on, in plain words. */
  static List<String> attention(LocalDate retention, VaultStatus status, Modes modes, Instant now) {
    List<String> list = new ArrayList<>();
    if (LocalDate.ofInstant(now, Contract.ZONE).isAfter(retention)) {
      list.add("the retention period ended on " + retention + ": archive the log (kinko log export) and dispose of the vault (kinko dispose)");
    }
    if (status.recoveryFingerprint() == null) {
      list.add("no recovery key: if every administrator password is lost, the data is lost; run 'kinko recovery rotate --recovery-sheet FILE'");
    }
    if (status.checkpointAt() == null) {
      list.add("no signed checkpoint yet: run 'kinko checkpoint' and keep it outside the vault");
    } else if (status.checkpointAt().isBefore(now.minus(Duration.ofDays(CHECKPOINT_DAYS)))) {
      list.add("the last checkpoint was signed " + Times.human(status.checkpointAt()) + ", over " + CHECKPOINT_DAYS
          + " days ago: run 'kinko checkpoint'");
    }
    for (io.kinko.vault.AlertSinkHealth h : status.alerts()) {
      if (!h.healthy()) {
        list.add("alert sink " + h.id() + " (" + h.target() + ") is failing" + (h.lastError() == null ? "" : ": " + h.lastError()) + "; "
            + h.pending() + " alert(s) pending: fix it, then 'kinko alert test " + h.id() + "' and 'kinko alert deliver'");
      }
    }
    if (!modes.tooOpen().isEmpty() || !modes.folder().equals("0700")) {
      list.add(modes.tooOpen().size() + " files or folders of the vault are open to others than its owner: chmod -R go-rwx "
          + CertificateFiles.quoted(modes.root().toString()));
    }
    return list;
  }

  private static JsonElement number(Integer n) {
    return n == null ? JsonNull.INSTANCE : new JsonPrimitive(n);
  }

  /** The vault folder's own mode, and every file or folder below it that others than its owner may use. */
  record Modes(Path root, String folder, List<String> tooOpen) {
    static Modes of(Path directory) throws IOException {
      Path root = directory.toAbsolutePath().normalize();
      List<String> open = new ArrayList<>();
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          check(dir);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          check(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // a file removed meanwhile (a lock file) is no finding
        }

        private void check(Path p) throws IOException {
          if (Files.isSymbolicLink(p)) {
            return;
          }
          Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
          if (perms.stream().anyMatch(OTHERS::contains)) {
            open.add(p.equals(root) ? "." : root.relativize(p).toString());
          }
        }
      });
      return new Modes(root, octal(Files.getPosixFilePermissions(root)), List.copyOf(open));
    }

    /** "0700" for rwx------. */
    static String octal(Set<PosixFilePermission> perms) {
      int mode = 0;
      for (PosixFilePermission p : perms) {
        mode |= 1 << (8 - p.ordinal());
      }
      return String.format("%04o", mode);
    }
  }
}
