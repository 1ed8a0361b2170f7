package io.kinko.vault;

/**
 * A user's enrolled token, as its slot records it: the token's {@code label} and {@code serial},
 * the key pair's {@code keyId} (its alias on the token), the {@code algorithm}
 * ({@code ecdh-p256} or {@code rsa-oaep-sha256}) and whether the slot needs the password too.
 */
public record TokenInfo(String user, String label, String serial, String keyId, String algorithm, boolean twoFactor) {}
