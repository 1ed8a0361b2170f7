package io.kinko.spring;

import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/**
 * Spring Security's authentication against the vault: {@link Vault#login(String, Password,
 * String)} with the browser's address, which logs the attempt (a wrong password is a DENY and
 * counts towards the lockout). The password is wiped as soon as the vault has read it. {@link
 * KinkoWebAutoConfiguration} makes one bean of it for the application's {@link Vault}.
 */
public final class VaultAuthenticationProvider implements AuthenticationProvider {
  private final Vault vault;

  public VaultAuthenticationProvider(Vault vault) {
    this.vault = vault;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    VaultLogin login = (VaultLogin) authentication;
    Session session;
    try (Password password = login.takePassword()) {
      if (password == null) {
        throw new BadCredentialsException("no password");
      }
      session = vault.login((String) login.getPrincipal(), password, login.address());
    } catch (io.kinko.vault.AuthenticationException e) {
      // Which of user and password was wrong, or that the account is locked, stays in the vault's log.
      throw new BadCredentialsException("login failed", e);
    }
    return VaultLogin.succeeded(session, login.address());
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return VaultLogin.class.isAssignableFrom(authentication);
  }
}
