package io.kinko.examples.web;

import io.kinko.spring.WebVaultSession;
import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Session;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.context.annotation.SessionScope;

/**
 * What the desk's pages hold for one vault session: the opaque handles they use for files (a
 * random token per path, so that no file name appears in a URL) and the deletion certificates to
 * download. All of it belongs to the vault session it was made in: a second login in the same
 * browser (another user at a shared desk) finds none of the first one's links or certificates.
 */
@Component
@SessionScope
public class DeskSession {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final WebVaultSession web;
  private Session owner;
  private final Map<String, String> pathsByHandle = new HashMap<>();
  private final Map<String, String> handlesByPath = new HashMap<>();
  private final Map<String, DeletionCertificate> certificates = new HashMap<>();

  public DeskSession(WebVaultSession web) {
    this.web = web;
  }

  /** The vault session; what this object holds for an earlier one is dropped first. */
  public synchronized Session session() {
    Session current = web.session();
    if (current != owner) {
      pathsByHandle.clear();
      handlesByPath.clear();
      certificates.clear();
      owner = current;
    }
    return current;
  }

  /** The opaque handle the pages use for {@code path}. */
  synchronized String handle(String path) {
    session();
    return handlesByPath.computeIfAbsent(path, p -> {
      byte[] token = new byte[16];
      RANDOM.nextBytes(token);
      String handle = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
      pathsByHandle.put(handle, p);
      return handle;
    });
  }

  /** The path behind {@code handle}; a handle this session never handed out is not found. */
  synchronized String path(String handle) {
    session();
    String path = pathsByHandle.get(handle);
    if (path == null) {
      throw new NotFoundException("no file behind that link in this session");
    }
    return path;
  }

  synchronized void keep(DeletionCertificate certificate) {
    session();
    certificates.put(certificate.id(), certificate);
  }

  synchronized DeletionCertificate certificate(String id) {
    session();
    DeletionCertificate certificate = certificates.get(id);
    if (certificate == null) {
      throw new NotFoundException("no certificate " + id + " in this session");
    }
    return certificate;
  }
}
