package io.kinko.examples.web;

import io.kinko.vault.DeletionCertificate;
import io.kinko.vault.NotFoundException;
import io.kinko.vault.Session;
import jakarta.annotation.PreDestroy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.context.annotation.SessionScope;

/**
 * The vault {@link Session} of one web session, and the opaque handles its pages use for files
 * (a random token per path, held here, so that no file name appears in a URL). Closed when the
 * web session ends: logout, timeout or invalidation all destroy this bean.
 */
@Component
@SessionScope
public class WebVaultSession {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final OpenSessions registry;
  private Session session;
  private final Map<String, String> pathsByHandle = new HashMap<>();
  private final Map<String, String> handlesByPath = new HashMap<>();
  private final Map<String, DeletionCertificate> certificates = new HashMap<>();

  public WebVaultSession(OpenSessions registry) {
    this.registry = registry;
  }

  synchronized void open(Session opened) {
    close();
    session = opened;
    registry.opened(opened);
  }

  /** The vault session; a web session without one was not logged in through the vault. */
  public synchronized Session session() {
    if (session == null) {
      throw new IllegalStateException("this web session has no vault session");
    }
    return session;
  }

  /** The opaque handle the pages use for {@code path}. */
  synchronized String handle(String path) {
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
    String path = pathsByHandle.get(handle);
    if (path == null) {
      throw new NotFoundException("no file behind that link in this session");
    }
    return path;
  }

  synchronized void keep(DeletionCertificate certificate) {
    certificates.put(certificate.id(), certificate);
  }

  synchronized DeletionCertificate certificate(String id) {
    DeletionCertificate certificate = certificates.get(id);
    if (certificate == null) {
      throw new NotFoundException("no certificate " + id + " in this session");
    }
    return certificate;
  }

  @PreDestroy
  public synchronized void close() {
    if (session != null) {
      Session closing = session;
      session = null;
      // Everything the pages hold for the closing session goes with it: a second login in the same
      // browser (another user at a shared desk) must find none of the first one's links or certificates.
      pathsByHandle.clear();
      handlesByPath.clear();
      certificates.clear();
      try {
        closing.close();
      } finally {
        registry.closed(closing);
      }
    }
  }
}
