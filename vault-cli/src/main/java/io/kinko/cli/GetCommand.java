package io.kinko.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.kinko.vault.FileInfo;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Session;
import io.kinko.vault.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kinko get}: writes a stored file, or every file below a stored folder, back out. A file
 * appears under its final name only once all of it has been read and verified; a failure leaves
 * no file behind (and an older file of that name untouched).
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = {"Writes the newest version of a stored file, or of every file below a stored folder, to OUT.",
        "Each file is verified in full before it appears under its name; a file that fails is not written."})
final class GetCommand extends VaultCommand {
  private static final int BUFFER = 64 * 1024;

  @Parameters(index = "0", arity = "0..1", paramLabel = "VAULT_PATH",
      description = "The stored file or folder; '.' or nothing for the whole vault.")
  String vaultPath = "";

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "For a file: the file to write, or an existing folder to write it into; '-' for standard output. "
          + "For a folder: a new (or empty) folder to recreate it in. "
          + "With '-', a failure midway leaves what was already written: check the exit code.")
  String output;

  @Override
  void check(Context context) {
    if (ui.json() && output.equals("-")) {
      throw new UsageException("--json and -o - both want standard output; write the file with -o FILE");
    }
    NativeCrypto.preload(); // the size is known only after login; loading overlaps it
  }


  @Override
  int run(Session session, Context context) throws IOException {
    NativeCrypto.install();
    boolean whole = vaultPath.isEmpty() || vaultPath.equals(".");
    // One call: the vault opens a file with one GET entry, or lists a folder with one LIST entry.
    Session.Fetched fetched = fetch(session, whole ? "" : vaultPath);
    if (fetched instanceof Session.FetchedFile file) {
      ui.step("reading the file " + file.info().path());
      try (InputStream in = file.content()) {
        return getFile(in, file.info().path(), context);
      }
    }
    List<FileInfo> files = ((Session.FetchedFolder) fetched).files();
    if (output.equals("-")) {
      throw new UsageException("'" + vaultPath + "' is a folder; -o - writes a single file only");
    }
    return getFolder(session, whole ? "" : folderPrefix(vaultPath), files, context);
  }

  /** The stored file or folder; not found says so for either, since the vault found neither. */
  private static Session.Fetched fetch(Session session, String path) {
    try {
      return session.fetch(path);
    } catch (NotFoundException e) {
      throw path.isEmpty() ? e : new NotFoundException("no file or folder at '" + path + "'", e);
    }
  }

  private int getFile(InputStream in, String path, Context context) throws IOException {
    if (output.equals("-")) {
      copy(in, context.stdoutBytes(), bytes -> {});
      context.stdoutBytes().flush();
      return ExitCodes.OK;
    }
    Path target = localPath(output);
    if (Files.isDirectory(target)) {
      target = target.resolve(lastSegment(path));
    }
    long[] bytes = {0};
    try (Progress progress = ui.progress("get", -1, 1)) {
      write(in, target, n -> {
        bytes[0] += n;
        progress.accept(n);
      });
      progress.fileDone();
    }
    ui.say("wrote " + PutCommand.count(bytes[0], "byte") + " to " + target);
    if (ui.json()) {
      ui.print(json(path, target, 1, bytes[0], new JsonArray()));
    }
    return ExitCodes.OK;
  }

  /**
   * Recreates each file below {@code out}. A file that fails verification or cannot be written is
   * reported and left out, and the rest are still written; the exit code is the first failure's.
   * The files written reach the disk together at the end, before the command reports them.
   */
  private int getFolder(Session session, String prefix, List<FileInfo> files, Context context) throws IOException {
    Path out = localPath(output).toAbsolutePath().normalize();
    prepareFolder(out);
    Path realOut = out.toRealPath();
    long total = files.stream().mapToLong(FileInfo::size).sum();
    List<Path> unsynced = new ArrayList<>();
    int[] outcome = {ExitCodes.OK, 0};
    long[] bytes = {0};
    JsonArray failures = new JsonArray();
    try (Progress progress = ui.progress("get", total, files.size())) {
      session.getEach(files.stream().map(FileInfo::path).toList(), new Session.EachReader() {
        @Override
        public void read(String path, InputStream content) throws IOException {
          Path target = inside(realOut, relative(prefix, path));
          Files.createDirectories(target.getParent());
          if (!target.getParent().toRealPath().startsWith(realOut)) {
            throw new IOException("'" + path + "' would be written outside " + out + " (through a link)");
          }
          long before = bytes[0];
          try (AtomicFile partial = AtomicFile.beside(target)) {
            copy(content, partial.output(), n -> {
              bytes[0] += n;
              progress.accept(n);
            });
            partial.commitUnsynced();
          } catch (IOException | RuntimeException e) {
            bytes[0] = before;
            throw e;
          }
          unsynced.add(target);
          outcome[1]++;
          progress.fileDone();
        }

        @Override
        public void failed(String path, Exception e) {
          ui.warn("kinko: cannot get " + path + ": " + Messages.describe(e));
          if (outcome[0] == ExitCodes.OK) {
            outcome[0] = ExitCodes.of(e);
          }
          JsonObject failure = new JsonObject();
          failure.addProperty("path", path);
          failure.addProperty("error", ExitCodes.name(ExitCodes.of(e)));
          failure.addProperty("message", Messages.describe(e));
          failures.add(failure);
        }
      });
    }
    AtomicFile.syncAll(unsynced);
    ui.say("wrote " + PutCommand.count(outcome[1], "file") + ", " + PutCommand.count(bytes[0], "byte") + " to " + out);
    if (ui.json()) {
      ui.print(json(prefix, out, outcome[1], bytes[0], failures));
    }
    return outcome[0];
  }

  /** A get under --json: {path, output, files, bytes, failed[]}. */
  private JsonObject json(String path, Path written, int files, long bytes, JsonArray failed) {
    JsonObject o = ui.object();
    o.addProperty("path", path);
    o.addProperty("output", written.toString());
    o.addProperty("files", files);
    o.addProperty("bytes", bytes);
    o.add("failed", failed);
    return o;
  }

  private static void write(InputStream in, Path target, LongConsumer progress) throws IOException {
    try (AtomicFile partial = AtomicFile.beside(target)) {
      copy(in, partial.output(), progress);
      partial.commit();
    }
  }

  /** Copies to the end of {@code in}: the vault's stream checks the size and the last segment there. */
  private static void copy(InputStream in, OutputStream out, LongConsumer progress) throws IOException {
    if (out instanceof WritableByteChannel channel) {
      in.transferTo(new Counted(out, channel, progress)); // a large file's segments go to the file uncopied
      return;
    }
    byte[] buffer = new byte[BUFFER];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
      progress.accept(n);
    }
  }

  /** An output that is also a channel, counting what passes through either for the progress shown. */
  private static final class Counted extends OutputStream implements WritableByteChannel {
    private final OutputStream out;
    private final WritableByteChannel channel;
    private final LongConsumer progress;

    Counted(OutputStream out, WritableByteChannel channel, LongConsumer progress) {
      this.out = out;
      this.channel = channel;
      this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      progress.accept(len);
    }

    @Override
    public int write(ByteBuffer bytes) throws IOException {
      int n = channel.write(bytes);
      progress.accept(n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() {
      // the caller closes the output it gave
    }
  }

  /** OUT for a folder: created if absent; if present, it must be an empty folder, so nothing is overwritten. */
  private static void prepareFolder(Path out) throws IOException {
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
        throw new UsageException(out + " exists and is not a folder; a stored folder is written to a new or empty folder");
      }
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new UsageException(out + " is not empty; a stored folder is written to a new or empty folder");
        }
      }
    }
    Files.createDirectories(out);
  }

  /** The stored folder as the vault spells its paths: NFC, no trailing '/'. */
  private static String folderPrefix(String path) {
    String p = Normalizer.normalize(path, Normalizer.Form.NFC);
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  private static String relative(String prefix, String path) throws IOException {
    if (prefix.isEmpty()) {
      return path;
    }
    if (!path.startsWith(prefix + "/")) {
      throw new IOException("stored path '" + path + "' is not below '" + prefix + "'");
    }
    return path.substring(prefix.length() + 1);
  }

  /**
   * {@code out}/{@code relative}, one checked name at a time. The library already rejects vault
   * paths that could lead elsewhere; this holds even if a stored path was forged.
   */
  static Path inside(Path out, String relative) throws IOException {
    Path target = out;
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\\') >= 0
          || segment.indexOf('\0') >= 0) {
        throw new IOException("stored path '" + relative + "' cannot be a local file name");
      }
      Path next;
      try {
        next = target.resolve(segment);
      } catch (InvalidPathException e) {
        throw new IOException("stored path '" + relative + "' cannot be a local file name here: " + e.getReason(), e);
      }
      if (!target.equals(next.getParent())) { // an absolute or multi-part name, such as "C:x" on Windows
        throw new IOException("stored path '" + relative + "' cannot be a local file name here");
      }
      target = next;
    }
    return target;
  }

  private static Path localPath(String name) {
    try {
      return Path.of(name);
    } catch (InvalidPathException e) {
      throw new UsageException("'" + name + "' is not a usable file name: " + e.getReason());
    }
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
