package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

/** The PDF builder the certificate and the monthly report share: tables across pages, panels, stamps, boxes. */
class JapanesePdfTest {
  @Test
  void aTableLongerThanAPage_continuesOnTheNext_withItsColumnHeadersAgain() throws Exception {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      rows.add(List.of("利用者" + i, Integer.toString(i * 7)));
    }
    byte[] bytes;
    int pages;
    try (JapanesePdf pdf = JapanesePdf.create("test")) {
      pdf.title("個人情報取扱状況報告書", "Monthly handling report");
      pdf.table(List.of(new JapanesePdf.Column("利用者", "User", 2), new JapanesePdf.Column("件数", "Count", 1)), rows);
      pdf.panel("チェックポイント", "Checkpoint", List.of("root 3e3zolrUfp84vIJdhjj7l6IakW5IAiGbBPU8jNEhFjU=", "size 12"));
      bytes = pdf.finish("report");
      pages = pdf.pages();
    }

    assertTrue(pages >= 3, "150 rows take several pages: " + pages);
    try (PDDocument document = Loader.loadPDF(bytes)) {
      assertEquals(pages, document.getNumberOfPages());
      for (int p = 1; p <= pages; p++) {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setStartPage(p);
        stripper.setEndPage(p);
        String text = stripper.getText(document);
        assertTrue(text.contains("page " + p + " of " + pages), text);
        if (p < pages) {
          assertTrue(text.contains("利用者 / User") && text.contains("件数 / Count"), "page " + p + " lacks the headers:\n" + text);
        }
      }
      String all = new PDFTextStripper().getText(document);
      for (int i = 0; i < 150; i++) {
        assertTrue(all.contains("利用者" + i + " "), "row " + i + " missing");
      }
      assertTrue(all.contains("チェックポイント / Checkpoint") && all.contains("size 12"), all);
    }
  }

  @Test
  void theStampAndTheSignatureBoxes_printTheirWordsAndTheNamesGiven() throws Exception {
    byte[] bytes;
    try (JapanesePdf pdf = JapanesePdf.create("test")) {
      pdf.stamp("失敗", "FAILED", false);
      pdf.signatureBoxes(List.of(new JapanesePdf.Signer("作業者", "Operator", "sato"), new JapanesePdf.Signer("確認者", "Checker", "suzuki"),
          new JapanesePdf.Signer("立会者", "Witness", null)));
      bytes = pdf.finish("test");
      assertTrue(pdf.missing().isEmpty(), pdf.missing()::toString);
    }
    try (PDDocument document = Loader.loadPDF(bytes)) {
      String text = new PDFTextStripper().getText(document);
      for (String expected : List.of("失敗", "FAILED", "作業者 / Operator", "氏名 / Name: sato", "確認者 / Checker", "氏名 / Name: suzuki",
          "立会者 / Witness", "日付 / Date:")) {
        assertTrue(text.contains(expected), () -> expected + " missing from\n" + text);
      }
    }
  }
}
