package io.kinko.cli;

import java.security.Provider;
import java.security.Security;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * BoringSSL's AES-GCM (from Conscrypt) for the commands that stream large files. Tink's streaming
 * AEAD takes its cipher from the JCE provider order ({@code EngineFactory} asks
 * {@code Cipher.getInstance}); Conscrypt on the class path alone changes nothing. The JDK's
 * AES-GCM runs in plain Java until C2 compiles it, which a 1 GiB file with 1 MiB segments never
 * waits for; the native one is fast from the first byte. The library never reorders providers:
 * this application does, and as narrowly as it can: one provider that offers only
 * {@code AES/GCM/NoPadding}, put first, so that hashing, HMAC, signatures, random numbers and TLS
 * stay with the JDK. The native library is unpacked from the jar (a few hundred ms), so it is
 * loaded in the background while the vault opens and the password is derived, and only by the
 * commands that gain from it. Where it cannot load, the JDK's AES-GCM writes the same bytes.
 */
final class NativeCrypto {
  /** Below this much content the native library costs more than it saves. */
  static final long WORTH_LOADING = 16L << 20;
  static final String PROVIDER = "KinkoNativeAesGcm";
  private static FutureTask<Boolean> loading;

  private NativeCrypto() {}

  /** Starts loading the native library in the background; does nothing the second time. */
  static synchronized void preload() {
    if (loading == null) {
      loading = new FutureTask<>(NativeCrypto::load);
      Thread thread = new Thread(loading, "kinko-native-crypto");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Puts the native AES-GCM first once it has loaded, if {@link #preload} was called; otherwise,
   * or where it cannot load, leaves the providers as they are. True if it is in place.
   */
  static boolean install() {
    FutureTask<Boolean> task;
    synchronized (NativeCrypto.class) {
      task = loading;
    }
    if (task == null) {
      return false;
    }
    try {
      if (!task.get()) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false;
    }
    synchronized (NativeCrypto.class) {
      if (Security.getProvider(PROVIDER) == null) {
        Security.insertProviderAt(new AesGcmOnly(), 1);
      }
    }
    return true;
  }

  private static boolean load() {
    try {
      return org.conscrypt.Conscrypt.isAvailable();
    } catch (LinkageError unavailable) {
      return false; // no native library for this platform: the JDK's AES-GCM it is
    }
  }

  /** Conscrypt's AES-GCM and nothing else of it. */
  private static final class AesGcmOnly extends Provider {
    private static final long serialVersionUID = 1L;

    AesGcmOnly() {
      super(PROVIDER, "1", "AES/GCM/NoPadding from Conscrypt (BoringSSL), for Kinko's streaming AEAD");
      putService(new Service(this, "Cipher", "AES/GCM/NoPadding", "org.conscrypt.OpenSSLAeadCipherAES$GCM", null, null));
    }
  }
}
