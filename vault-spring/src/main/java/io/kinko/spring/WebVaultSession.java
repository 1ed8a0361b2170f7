package io.kinko.spring;

import io.kinko.vault.Session;
import jakarta.annotation.PreDestroy;

/**
 * The vault {@link Session} of one web session: a session-scoped bean ({@link
 * KinkoWebAutoConfiguration}) that the login filter fills and that is closed when the web session
 * ends, since logout, timeout and invalidation all destroy it. A second login in the same web
 * session closes the first vault session before it holds the next, so state an application keeps
 * per vault session should compare {@link #session()} by identity, not per web session.
 */
public class WebVaultSession {
  private final OpenSessions registry;
  private Session session;

  public WebVaultSession(OpenSessions registry) {
    this.registry = registry;
  }

  synchronized void open(Session opened) {
    close();
    session = opened;
    registry.opened(opened);
  }

  /**
   * The vault session.
   *
   * @throws IllegalStateException if this web session was not logged in through the vault
   */
  public synchronized Session session() {
    if (session == null) {
      throw new IllegalStateException("this web session has no vault session");
    }
    return session;
  }

  /** Closes the vault session, if one is open; called by Spring when the web session ends. */
  @PreDestroy
  public synchronized void close() {
    if (session != null) {
      Session closing = session;
      session = null;
      try {
        closing.close();
      } finally {
        registry.closed(closing);
      }
    }
  }
}
