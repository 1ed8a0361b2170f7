package io.kinko.examples.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;

/**
 * Every page needs a vault login but the login page; the administrator's pages need the ADMIN
 * role; every POST carries Spring Security's CSRF token (the login form's is checked by {@link
 * PasswordLoginFilter}); logging out invalidates the web session, which closes the vault session.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
  @Bean
  AuthenticationManager authenticationManager(VaultAuthenticationProvider provider) {
    return new ProviderManager(provider);
  }

  @Bean
  SecurityFilterChain filters(HttpSecurity http, AuthenticationManager authentication, WebVaultSession vaultSession) throws Exception {
    HttpSessionCsrfTokenRepository csrfTokens = new HttpSessionCsrfTokenRepository();
    XorCsrfTokenRequestAttributeHandler csrfHandler = new XorCsrfTokenRequestAttributeHandler();
    HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    http.authorizeHttpRequests(a -> a
            .requestMatchers("/login", "/error", "/style.css").permitAll()
            .requestMatchers("/admin/**").hasRole("ADMIN")
            .anyRequest().authenticated())
        .csrf(c -> c.csrfTokenRepository(csrfTokens).csrfTokenRequestHandler(csrfHandler))
        .securityContext(s -> s.securityContextRepository(contexts))
        // No formLogin(): its filter would read the password into a String; PasswordLoginFilter logs in.
        .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")))
        .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout").invalidateHttpSession(true).deleteCookies("JSESSIONID"))
        .addFilterBefore(new PasswordLoginFilter(authentication, csrfTokens, csrfHandler, contexts, vaultSession), CsrfFilter.class);
    return http.build();
  }
}
