package io.kinko.examples.web;

import io.kinko.cli.CertificatePdf;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.FileInfo;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Session;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The desk's pages. Files are named in URLs only by the opaque handles of {@link DeskSession},
 * folders by their number in {@code kinko.folders}; every read, write and deletion goes through
 * the user's vault session, which decides and logs it.
 */
@Controller
class DeskController {
  /** A row of a listing: the handle the page links with, and what the user may see. */
  record Row(String handle, String path, long size, int version, String storedAt) {}

  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", java.util.Locale.ROOT).withZone(io.kinko.vault.Contract.ZONE);
  private final DeskSession web;
  private final DeskProperties properties;

  DeskController(DeskSession web, DeskProperties properties) {
    this.web = web;
    this.properties = properties;
  }

  @GetMapping("/")
  String desk(Model model) {
    Session session = web.session();
    model.addAttribute("user", session.user());
    model.addAttribute("admin", session.role() == io.kinko.vault.Role.ADMIN);
    model.addAttribute("folders", properties.folders());
    model.addAttribute("files", Problems.translate(() -> rows(session.list(""))));
    return "desk";
  }

  @GetMapping("/folders/{index}")
  String folder(@PathVariable int index, Model model) {
    String folder = Problems.translate(() -> folderAt(index));
    model.addAttribute("folder", folder);
    model.addAttribute("files", Problems.translate(() -> rows(filesIn(folder))));
    return "folder";
  }

  @PostMapping("/upload")
  String upload(@RequestParam int folder, @RequestParam("form") MultipartFile form, RedirectAttributes redirect) throws IOException {
    String path = Problems.translate(() -> folderAt(folder) + "/" + baseName(form.getOriginalFilename()));
    // Tomcat has the part on disk (above spring.servlet.multipart.file-size-threshold): the vault
    // reads it as a stream, in constant memory, and encrypts it as it goes.
    try (InputStream content = form.getInputStream()) {
      FileInfo stored = Problems.translate(() -> web.session().put(path, content));
      redirect.addFlashAttribute("message", "保存しました / stored: " + stored.path() + " (" + stored.size() + " bytes)");
    }
    return "redirect:/";
  }

  @GetMapping("/files/{handle}")
  void download(@PathVariable String handle, HttpServletResponse response) throws IOException {
    String path = Problems.translate(() -> web.path(handle));
    try (InputStream content = Problems.translate(() -> web.session().get(path))) {
      String name = path.substring(path.lastIndexOf('/') + 1);
      response.setContentType("application/octet-stream");
      response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString());
      content.transferTo(response.getOutputStream());
    }
  }

  @PostMapping("/files/{handle}/delete")
  String delete(@PathVariable String handle) {
    DeletionCertificate certificate = Problems.translate(() -> web.session().delete(web.path(handle)));
    web.keep(certificate);
    return "redirect:/certificates/" + certificate.id();
  }

  @GetMapping("/certificates/{id}")
  String certificate(@PathVariable String id, Model model) {
    model.addAttribute("certificate", certificate(id));
    return "certificate";
  }

  @GetMapping("/certificates/{id}/certificate.json")
  void certificateJson(@PathVariable String id, HttpServletResponse response) throws IOException {
    send(response, "application/json", id + ".json", certificate(id).bytes());
  }

  @GetMapping("/certificates/{id}/certificate.json.sig")
  void certificateSignature(@PathVariable String id, HttpServletResponse response) throws IOException {
    send(response, "application/octet-stream", id + ".json.sig", certificate(id).signature());
  }

  @GetMapping("/certificates/{id}/certificate.pdf")
  void certificatePdf(@PathVariable String id, HttpServletResponse response) throws IOException {
    DeletionCertificate certificate = certificate(id);
    java.io.ByteArrayOutputStream pdf = new java.io.ByteArrayOutputStream();
    CertificatePdf.render(certificate.bytes(), new CertificatePdf.Names(id + ".json", id + ".json.sig", "vault.pub.pem"), pdf);
    send(response, "application/pdf", id + ".pdf", pdf.toByteArray());
  }

  @GetMapping("/vault.pub.pem")
  void publicKey(HttpServletResponse response) throws IOException {
    send(response, "application/x-pem-file", "vault.pub.pem", web.session().vault().publicKeyPem().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The files of a folder, opened as {@code kinko get} opens one: without a READ grant there the
   * vault refuses (a DENY entry), where a listing would only show nothing.
   */
  private List<FileInfo> filesIn(String folder) {
    Session.Fetched fetched;
    try {
      fetched = web.session().fetch(folder);
    } catch (NotFoundException e) {
      return List.of(); // a folder this user may read, with nothing in it yet
    }
    if (fetched instanceof Session.FetchedFolder found) {
      return found.files();
    }
    try (InputStream unused = ((Session.FetchedFile) fetched).content()) {
      return List.of(((Session.FetchedFile) fetched).info()); // a desk folder that is a file: shown as one
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private DeletionCertificate certificate(String id) {
    return Problems.translate(() -> web.certificate(id));
  }

  private List<Row> rows(List<FileInfo> files) {
    return files.stream().map(f -> new Row(web.handle(f.path()), f.path(), f.size(), f.version(),
        TIME.format(f.storedAt()))).toList();
  }

  private String folderAt(int index) {
    if (index < 0 || index >= properties.folders().size()) {
      throw new NotFoundException("no desk folder " + index);
    }
    return properties.folders().get(index);
  }

  /** The file name a browser sent, without any folder part an old browser may add. */
  static String baseName(String submitted) {
    if (submitted == null || submitted.isBlank()) {
      throw new IllegalArgumentException("choose a file to upload");
    }
    String name = submitted.substring(Math.max(submitted.lastIndexOf('/'), submitted.lastIndexOf('\\')) + 1);
    if (name.isBlank()) {
      throw new IllegalArgumentException("the file has no name");
    }
    return name;
  }

  private static void send(HttpServletResponse response, String type, String name, byte[] bytes) throws IOException {
    response.setContentType(type);
    response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString());
    response.setContentLength(bytes.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(bytes);
    }
  }
}
