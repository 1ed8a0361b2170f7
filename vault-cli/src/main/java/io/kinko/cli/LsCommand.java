package io.kinko.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.FileInfo;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko ls}: the newest version of each stored file at or below a path. The path comes
 * last on each line, so columns stay aligned whatever the width of its characters (漢字 take two).
 */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = {"Lists the newest version of each stored file at or below VAULT_PATH.",
        "Columns: size in bytes, stored time (UTC), version, path."})
final class LsCommand extends VaultCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "VAULT_PATH", description = "A stored file or folder; default: the whole vault.")
  String vaultPath = "";

  @Option(names = "--json", description = "Print a JSON array of {path, size, storedAt, version, fileId}.")
  boolean json;

  @Override
  int run(Session session, Context context) {
    List<FileInfo> files = session.list(vaultPath);
    boolean whole = vaultPath.isEmpty() || vaultPath.equals(".");
    if (files.isEmpty() && !whole) {
      throw new NotFoundException("no file or folder at '" + vaultPath + "'");
    }
    if (json) {
      printJson(files, context.out());
    } else {
      printTable(files, context.out());
    }
    return ExitCodes.OK;
  }

  private static void printTable(List<FileInfo> files, PrintWriter out) {
    int sizeWidth = Math.max("SIZE".length(), files.stream().mapToInt(f -> Long.toString(f.size()).length()).max().orElse(0));
    int versionWidth = Math.max("VERSION".length(), files.stream().mapToInt(f -> Integer.toString(f.version()).length()).max().orElse(0));
    String format = "%" + sizeWidth + "s  %-20s  %" + versionWidth + "s  %s%n";
    out.printf(format, "SIZE", "STORED", "VERSION", "PATH");
    for (FileInfo file : files) {
      String stored = DateTimeFormatter.ISO_INSTANT.format(file.storedAt().truncatedTo(ChronoUnit.SECONDS));
      out.printf(format, file.size(), stored, file.version(), file.path());
    }
  }

  private static void printJson(List<FileInfo> files, PrintWriter out) {
    JsonArray array = new JsonArray();
    for (FileInfo file : files) {
      JsonObject o = new JsonObject();
      o.addProperty("path", file.path());
      o.addProperty("size", file.size());
      o.addProperty("storedAt", file.storedAt().toString());
      o.addProperty("version", file.version());
      o.addProperty("fileId", file.fileId());
      array.add(o);
    }
    out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(array));
  }
}
