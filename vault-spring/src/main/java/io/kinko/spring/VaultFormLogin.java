package io.kinko.spring;

import java.util.Objects;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;

/**
 * The vault login for a {@code SecurityFilterChain}, in place of {@code formLogin()} (whose
 * filter would read the password into a {@code String}):
 *
 * <pre>{@code
 * http.authorizeHttpRequests(...)
 *     .with(VaultFormLogin.loginPage("/login"), Customizer.withDefaults());
 * }</pre>
 *
 * <p>It adds {@link PasswordLoginFilter} before Spring's CSRF filter, sends anonymous requests to
 * the login page, and sets the chain's CSRF token repository and security-context repository to
 * session-held ones that the filter shares: an application must not set other ones. The login
 * page itself (GET) and the logout stay the application's.
 */
public final class VaultFormLogin extends AbstractHttpConfigurer<VaultFormLogin, HttpSecurity> {
  private final String loginPage;
  private String successUrl = "/";
  private final HttpSessionCsrfTokenRepository csrfTokens = new HttpSessionCsrfTokenRepository();
  private final XorCsrfTokenRequestAttributeHandler csrfHandler = new XorCsrfTokenRequestAttributeHandler();
  private final HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

  private VaultFormLogin(String loginPage) {
    this.loginPage = loginPage;
  }

  /**
   * A login whose form POSTs {@code username}, {@code password} and {@code _csrf} to {@code
   * loginPage}; a failed login is redirected to {@code loginPage + "?error"}.
   *
   * @throws IllegalArgumentException if {@code loginPage} is not a path starting with {@code /}
   */
  public static VaultFormLogin loginPage(String loginPage) {
    Objects.requireNonNull(loginPage, "loginPage");
    if (!loginPage.startsWith("/") || loginPage.contains("?")) {
      throw new IllegalArgumentException("login page " + loginPage + " is not a path starting with /");
    }
    return new VaultFormLogin(loginPage);
  }

  /** Where a successful login goes ({@code /} unless set). */
  public VaultFormLogin successUrl(String url) {
    if (url == null || !url.startsWith("/")) {
      throw new IllegalArgumentException("success URL " + url + " is not a path starting with /");
    }
    this.successUrl = url;
    return this;
  }

  @Override
  public void init(HttpSecurity http) throws Exception {
    http.csrf(c -> c.csrfTokenRepository(csrfTokens).csrfTokenRequestHandler(csrfHandler))
        .securityContext(s -> s.securityContextRepository(contexts))
        .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(loginPage)));
  }

  @Override
  public void configure(HttpSecurity http) {
    ApplicationContext context = http.getSharedObject(ApplicationContext.class);
    ProviderManager authentication = new ProviderManager(context.getBean(VaultAuthenticationProvider.class));
    http.addFilterBefore(new PasswordLoginFilter(authentication, csrfTokens, csrfHandler, contexts,
        context.getBean(WebVaultSession.class), loginPage, successUrl), CsrfFilter.class);
  }
}
