package io.kinko.spring;

import io.kinko.vault.Password;
import io.kinko.vault.Role;
import io.kinko.vault.Session;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A login against the vault: before {@link VaultAuthenticationProvider} runs it carries the
 * password (a {@link Password}, closed by the provider); after, the user's role and, until the
 * login filter takes it, the vault session it opened. It is never serialised with either.
 */
public final class VaultLogin extends AbstractAuthenticationToken {
  private final String user;
  private final String address;
  private transient Password password;
  private transient Session session;

  private VaultLogin(String user, String address, Password password, Session session, Role role) {
    super(role == null ? List.of() : List.of(new SimpleGrantedAuthority("ROLE_" + role.name())));
    this.user = user;
    this.address = address;
    this.password = password;
    this.session = session;
    setAuthenticated(role != null);
  }

  /** A login to try: {@code password} is owned (and closed) by whoever authenticates it. */
  static VaultLogin attempt(String user, Password password, String address) {
    return new VaultLogin(user, address, password, null, null);
  }

  static VaultLogin succeeded(Session session, String address) {
    return new VaultLogin(session.user(), address, null, session, session.role());
  }

  /** Hands over the password, once. */
  Password takePassword() {
    Password taken = password;
    password = null;
    return taken;
  }

  /** Hands over the vault session, once. */
  Session takeSession() {
    Session taken = session;
    session = null;
    return taken;
  }

  String address() {
    return address;
  }

  @Override
  public Object getCredentials() {
    return null; // the password is never handed to Spring's credential handling
  }

  @Override
  public Object getPrincipal() {
    return user;
  }

  @Override
  public void eraseCredentials() {
    Password p = takePassword();
    if (p != null) {
      p.close();
    }
  }
}
