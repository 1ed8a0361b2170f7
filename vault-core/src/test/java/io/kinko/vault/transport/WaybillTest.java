package io.kinko.vault.transport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.IntegrityException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The waybill's strict reading, before any signature is checked: an unpinned import trusts the key
 * a waybill carries, so whoever made it chose every field, and {@code kinko import} names the
 * receipt's file after the export id ({@code receipt-EXPORTID.json} in {@code --receipt-dir}) and
 * prints the vault id.
 */
class WaybillTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";

  @ParameterizedTest
  @ValueSource(strings = {"../../../home/city/.bashrc", "/tmp/x", "0123456789abcdef\u001b[2K(pinned)", ""})
  void parse_anExportIdOrVaultIdNoVaultMakes_isRefused(String bad) {
    for (String field : List.of("exportId", "vault")) {
      Waybill w = field.equals("exportId") ? waybill(bad, ID) : waybill(ID, bad);
      IntegrityException e = assertThrows(IntegrityException.class, () -> Waybill.parse(w.encode()), field);
      assertTrue(e.getMessage().contains("'" + field + "' is not an id as a vault makes one"), e::getMessage);
    }
  }

  private static Waybill waybill(String exportId, String vault) {
    return new Waybill(exportId, vault, "0".repeat(64), "pem", List.of(AgeKeys.RECIPIENT), Instant.parse("2026-12-06T00:00:00Z"), "sato",
        "tag", List.of(new Waybill.File(ID, "t".repeat(64), null, null, 1, "a".repeat(64))),
        new CertificateBody.LogProof(1, "{}", "0".repeat(64), List.of()), new CertificateBody.SignedCheckpoint(1, "checkpoint"));
  }
}
