package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.FileInfo;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Session;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko ls}: the newest version of each stored file at or below a path. The path comes
 * last on each line, so columns stay aligned whatever the width of its characters (漢字 take two).
 */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = {"Lists the newest version of each stored file at or below VAULT_PATH.",
        "Columns: size in bytes, stored time (the contract's time zone), version, path.",
        "--json: {files: [{path, size, storedAt, version, fileId}]} (docs/cli-json.md)."})
final class LsCommand extends VaultCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "VAULT_PATH", description = "A stored file or folder; default: the whole vault.")
  String vaultPath = "";

  @Override
  int run(Session session, Context context) {
    List<FileInfo> files = session.list(vaultPath);
    boolean whole = vaultPath.isEmpty() || vaultPath.equals(".");
    if (files.isEmpty() && !whole) {
      throw new NotFoundException("no file or folder at '" + vaultPath + "'");
    }
    if (ui.json()) {
      ui.print(json(files, ui.object()));
    } else {
      printTable(files, context.out());
    }
    return ExitCodes.OK;
  }

  private static void printTable(List<FileInfo> files, PrintWriter out) {
    int sizeWidth = Math.max("SIZE".length(), files.stream().mapToInt(f -> Long.toString(f.size()).length()).max().orElse(0));
    int versionWidth = Math.max("VERSION".length(), files.stream().mapToInt(f -> Integer.toString(f.version()).length()).max().orElse(0));
    String format = "%" + sizeWidth + "s  %-23s  %" + versionWidth + "s  %s%n";
    out.printf(format, "SIZE", "STORED", "VERSION", "PATH");
    for (FileInfo file : files) {
      String stored = Times.human(file.storedAt());
      out.printf(format, file.size(), stored, file.version(), file.path());
    }
  }

  private static JsonObject json(List<FileInfo> files, JsonObject result) {
    JsonArray array = new JsonArray();
    files.forEach(file -> array.add(json(file)));
    result.add("files", array);
    return result;
  }

  /** One stored version, as ls and put report it. */
  static JsonObject json(FileInfo file) {
    JsonObject o = new JsonObject();
    o.addProperty("path", file.path());
    o.addProperty("size", file.size());
    o.add("storedAt", Json.time(file.storedAt()));
    o.addProperty("version", file.version());
    o.addProperty("fileId", file.fileId());
    return o;
  }
}
