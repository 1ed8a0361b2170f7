package io.kinko.spring;

import io.kinko.vault.Session;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The vault sessions this application holds open, one per logged-in web session ({@link WebVaultSession}). */
public final class OpenSessions {
  private final Set<Session> open = ConcurrentHashMap.newKeySet();

  void opened(Session session) {
    open.add(session);
  }

  void closed(Session session) {
    open.remove(session);
  }

  public int count() {
    return open.size();
  }

  /** Whether {@code user} has a vault session open here. */
  public boolean holds(String user) {
    return open.stream().anyMatch(s -> s.user().equals(user));
  }
}
