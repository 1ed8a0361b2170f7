package io.kinko.vault.transport;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test key pairs, made once by the real age-keygen (1.1.1); test data, never used for anything real. */
public final class AgeKeys {
  public static final String RECIPIENT = "age1l0pxkdauvz7jnqz8z5gc5cxfgdjm8huumwmvxn9l578ldlqtyezsk32963";
  public static final String IDENTITY = "AGE-SECRET-KEY-1VZKR7VL4NUXDALV45VU53AQSTRL0K9ZDK9HCPXCVE9CA76XSCXRSSRGTE4";
  public static final String OTHER_RECIPIENT = "age1m0tmhh0zjmzvyt7wuaz06ywm7yvncdpg040neyqjpyja9trxf4jskpynp8";
  public static final String OTHER_IDENTITY = "AGE-SECRET-KEY-1D29D3ENTX4MSG8C00P0ZKHYX5GC7J28LE8LJ867AWGY0MW5WGQ0QDZ4HYA";

  private AgeKeys() {}

  static List<AgeIdentity> identity() {
    return AgeIdentity.parse(IDENTITY.getBytes(StandardCharsets.US_ASCII), "test identity");
  }

  static List<AgeIdentity> otherIdentity() {
    return AgeIdentity.parse(OTHER_IDENTITY.getBytes(StandardCharsets.US_ASCII), "other test identity");
  }
}
