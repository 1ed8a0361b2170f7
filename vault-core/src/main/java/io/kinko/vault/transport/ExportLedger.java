package io.kinko.vault.transport;

import io.kinko.vault.Action;
import io.kinko.vault.LogEntry;
import io.kinko.vault.Transport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each export stands, from the log alone (no table to edit): an EXPORT ALLOW entry starts
 * one, the EXPORT_SEALED entry names its package, an EXPORT_RECEIPT entry records a verified
 * receipt. Pure: the caller hands it entries it proved against a signed checkpoint. The reasons'
 * grammar is written and read here only.
 */
public final class ExportLedger {
  private static final Pattern EXPORT = Pattern.compile("export ([0-9a-f]{32}); files (\\d+); bytes (\\d+); list sha256 ([0-9a-f]{64}); to .*");
  private static final Pattern SEALED = Pattern.compile("export ([0-9a-f]{32}) sealed; package sha256 ([0-9a-f]{64}); size (\\d+)");
  private static final Pattern RECEIPT = Pattern.compile(
      "receipt for export ([0-9a-f]{32}); by vault (\\S+) key ([0-9a-f]{64}); received (\\S+); import seq (\\d+); package sha256 ([0-9a-f]{64})");

  private ExportLedger() {}

  /** The EXPORT_SEALED entry's reason. */
  public static String sealedReason(String exportId, String sha256, long size) {
    return "export " + exportId + " sealed; package sha256 " + sha256 + "; size " + size;
  }

  /** The EXPORT_RECEIPT entry's reason, for a receipt that verified. */
  public static String receiptReason(Receipt.Verified v) {
    Receipt r = v.receipt();
    return "receipt for export " + r.exportId() + "; by vault " + r.vault() + " key " + r.keyFingerprint() + "; received "
        + v.importEntry().time() + "; import seq " + v.importEntry().seq() + "; package sha256 " + r.packageSha256();
  }

  /** Every export in {@code entries} (EXPORT, EXPORT_SEALED, EXPORT_RECEIPT, any order), oldest first; the first receipt counts. */
  public static List<Transport.ExportRecord> exports(List<LogEntry> entries) {
    Map<String, Transport.ExportRecord> out = new LinkedHashMap<>();
    List<LogEntry> sorted = new ArrayList<>(entries);
    sorted.sort(java.util.Comparator.comparingLong(LogEntry::seq));
    for (LogEntry e : sorted) {
      if (!"ALLOW".equals(e.decision()) || e.reason() == null) {
        continue;
      }
      Matcher m;
      if (e.action().equals(Action.EXPORT.name()) && (m = EXPORT.matcher(e.reason())).matches()) {
        out.putIfAbsent(m.group(1), new Transport.ExportRecord(m.group(1), e.seq(), e.time(), e.actor(), Integer.parseInt(m.group(2)),
            null, -1, Transport.Status.NOT_WRITTEN, null, null, -1));
      } else if (e.action().equals(Action.EXPORT_SEALED.name()) && (m = SEALED.matcher(e.reason())).matches()) {
        Transport.ExportRecord r = out.get(m.group(1));
        if (r != null && r.status() == Transport.Status.NOT_WRITTEN) {
          out.put(r.exportId(), new Transport.ExportRecord(r.exportId(), r.exportSeq(), r.at(), r.by(), r.files(), m.group(2),
              Long.parseLong(m.group(3)), Transport.Status.IN_TRANSIT, null, null, -1));
        }
      } else if (e.action().equals(Action.EXPORT_RECEIPT.name()) && (m = RECEIPT.matcher(e.reason())).matches()) {
        Transport.ExportRecord r = out.get(m.group(1));
        if (r != null && r.status() == Transport.Status.IN_TRANSIT && m.group(6).equals(r.packageSha256())) {
          out.put(r.exportId(), new Transport.ExportRecord(r.exportId(), r.exportSeq(), r.at(), r.by(), r.files(), r.packageSha256(),
              r.packageSize(), Transport.Status.RECEIVED, Instant.parse(m.group(4)), m.group(2), e.seq()));
        }
      }
    }
    return List.copyOf(out.values());
  }
}
