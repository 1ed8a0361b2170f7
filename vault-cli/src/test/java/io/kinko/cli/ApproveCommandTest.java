package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.jsonFiles;
import static io.kinko.cli.CertifiedDeletionTest.ok;
import static io.kinko.cli.CertifiedDeletionTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinko init --two-person-rm}, {@code kinko rm} as a request and {@code kinko approve}, in-process. */
class ApproveCommandTest {
  private static final String WORKER = "tanaka";
  private static final String WORKER_PASSWORD = "a worker's long password";

  @TempDir Path dir;
  Path vault;
  Cli admin;
  Cli worker;

  @BeforeEach
  void twoPersonVault() throws IOException {
    vault = dir.resolve("vault");
    admin = Cli.forVault(vault);
    ok(admin.run("init", "--contract-id", "R7-0042", "--client", "テスト市", "--contractor", "金庫株式会社",
        "--contract-end", "2027-03-31", "--admin", Cli.USER, "--password-cost", "minimum", "--two-person-rm"));
    ok(admin.run("grant", Cli.USER, ".", "read,write,delete"));
    Path pw = Files.writeString(dir.resolve("pw.txt"), WORKER_PASSWORD + "\n");
    ok(admin.run("user", "add", WORKER, "--role", "worker", "--new-password-file", pw.toString()));
    ok(admin.run("grant", WORKER, ".", "read,write,delete"));
    worker = Cli.forVault(vault).env("KINKO_USER", WORKER).env("KINKO_PASSWORD", WORKER_PASSWORD);
    Path source = Files.writeString(dir.resolve("山田.txt"), "山田太郎\n", StandardCharsets.UTF_8);
    ok(worker.run("put", source.toString(), "名簿/山田.txt"));
  }

  @Test
  void workerRm_printsTheRequestId_andTheFileStays_untilAChiefApproves_thenTheCertificateAndPdfNameBoth() throws Exception {
    Path certs = dir.resolve("certs");
    Cli.Result rm = ok(worker.run("rm", "--yes", "名簿/山田.txt", "--cert-out", certs.toString()));
    String id = rm.outLines().get(rm.outLines().size() - 1);
    assertTrue(id.matches("[0-9a-f]{32}"), rm::toString);
    assertTrue(rm.out().contains("kinko approve " + id), rm::toString);
    assertTrue(!Files.exists(certs) || jsonFiles(certs).isEmpty(), "a certificate before approval");
    ok(worker.run("get", "名簿/山田.txt", "-o", dir.resolve("still.txt").toString()));
    Cli.Result listed = ok(admin.run("approve", "--list"));
    assertTrue(listed.out().contains(id) && listed.out().contains(WORKER) && listed.out().contains("名簿/山田.txt"), listed::toString);

    Cli.Result approved = ok(admin.run("approve", id, "--cert-out", certs.toString()));

    assertTrue(approved.out().contains("requested by " + WORKER), approved::toString);
    assertEquals(1, worker.run("get", "名簿/山田.txt", "-o", dir.resolve("gone.txt").toString()).exit(), "the file is still there");
    Path json = only(jsonFiles(certs));
    JsonObject cert = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals(id, cert.get("certificateId").getAsString());
    assertEquals(WORKER, cert.get("operator").getAsString());
    assertEquals(Cli.USER, cert.get("approver").getAsString());
    Path pem = dir.resolve("vault.pub.pem");
    ok(admin.run("key", "export", "-o", pem.toString()));
    assertEquals(0, Cli.openssl("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pem.toString(), "-in", json.toString(),
        "-sigfile", json + ".sig"), "openssl rejected the certificate");

    Path pdf = dir.resolve("cert.pdf");
    ok(new Cli().run("cert", "pdf", json.toString(), "-o", pdf.toString(), "--key", pem.toString()));
    String text = CertPdfTest.text(Files.readAllBytes(pdf));
    for (String expected : List.of("作業者 / Operator", "氏名 / Name: " + WORKER, "確認者 / Checker", "氏名 / Name: " + Cli.USER)) {
      assertTrue(text.contains(expected), () -> expected + " missing from\n" + text);
    }
  }

  @Test
  void selfApproval_andAWorkersApproval_areRefusedWithExit4() {
    String own = requestId(ok(admin.run("rm", "--yes", "名簿/山田.txt")));
    Cli.Result self = admin.run("approve", own);
    assertEquals(4, self.exit(), self::toString);
    assertTrue(self.err().contains("self-approval"), self::toString);
    Cli.Result byWorker = worker.run("approve", own);
    assertEquals(4, byWorker.exit(), byWorker::toString);
    ok(worker.run("get", "名簿/山田.txt", "-o", dir.resolve("still.txt").toString()));
    Cli.Result log = ok(admin.run("log", "show", "--action", "APPROVE"));
    assertEquals(2, log.out().lines().filter(l -> l.contains("DENY")).count(), log::toString);
  }

  @Test
  void reject_withANote_leavesTheFile_andNeedsTheNote() {
    String id = requestId(ok(worker.run("rm", "--yes", "名簿/山田.txt")));
    assertEquals(2, admin.run("approve", id, "--reject").exit(), "a rejection without a note");
    ok(admin.run("approve", id, "--reject", "--note", "契約期間中のため保持"));
    ok(worker.run("get", "名簿/山田.txt", "-o", dir.resolve("kept.txt").toString()));
    assertEquals(1, admin.run("approve", id).exit(), "a rejected request was approved");
    assertTrue(ok(admin.run("approve", "--list")).outLines().size() == 1, "only the header is left");
  }

  private static String requestId(Cli.Result rm) {
    List<String> lines = rm.outLines();
    return lines.get(lines.size() - 1);
  }
}
