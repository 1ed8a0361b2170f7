package io.kinko.vault.token;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokens a PKCS#11 module sees, read through four of its functions (C_Initialize,
 * C_GetSlotList, C_GetTokenInfo, C_Finalize) without opening a session or logging in: SunPKCS11
 * selects a token by slot id only, and a PIN tried on the wrong token burns that token's retry
 * counter, so the slot id of a label is found here first.
 */
public final class Pkcs11Module {
  static final long CKR_OK = 0;
  static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
  static final long CKF_USER_PIN_LOCKED = 0x00040000L;
  static final long CKF_TOKEN_INITIALIZED = 0x00000400L;
  /** CK_TOKEN_INFO: label[32], manufacturerID[32], model[16], serialNumber[16], then flags (CK_ULONG). */
  private static final int LABEL = 0;
  private static final int SERIAL = 80;
  private static final int FLAGS = 96;
  /** More than CK_TOKEN_INFO's size on any ABI (about 208 bytes with 8-byte longs). */
  private static final int TOKEN_INFO_BYTES = 1024;
  private static final int MAX_SLOTS = 256;

  private Pkcs11Module() {}

  /** A token as its reader reports it, before any login. */
  public record Present(long slotId, String label, String serial, boolean pinLocked) {}

  /**
   * The initialised tokens in the module's readers.
   *
   * @throws TokenFailure (reason MODULE) if the module cannot be loaded or answers with an error
   */
  public static List<Present> tokens(Path module) {
    NativeLibrary library = load(module);
    long rv = call(library, "C_Initialize", (Object) null);
    boolean ours = rv == CKR_OK;
    if (!ours && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw failed(module, "C_Initialize", rv);
    }
    try {
      NativeLongByReference count = new NativeLongByReference();
      check(module, "C_GetSlotList", call(library, "C_GetSlotList", (byte) 1, null, count));
      int n = (int) Math.min(count.getValue().longValue(), MAX_SLOTS);
      List<Present> out = new ArrayList<>();
      if (n == 0) {
        return out;
      }
      Memory slots = new Memory((long) n * Native.LONG_SIZE);
      count.setValue(new NativeLong(n));
      check(module, "C_GetSlotList", call(library, "C_GetSlotList", (byte) 1, slots, count));
      for (int i = 0; i < Math.min(n, count.getValue().intValue()); i++) {
        long slot = slots.getNativeLong((long) i * Native.LONG_SIZE).longValue();
        Memory info = new Memory(TOKEN_INFO_BYTES);
        info.clear();
        if (call(library, "C_GetTokenInfo", new NativeLong(slot), info) != CKR_OK) {
          continue; // a token pulled out between the two calls
        }
        long flags = info.getNativeLong(FLAGS).longValue();
        if ((flags & CKF_TOKEN_INITIALIZED) == 0) {
          continue;
        }
        out.add(new Present(slot, padded(info.getByteArray(LABEL, 32)), padded(info.getByteArray(SERIAL, 16)),
            (flags & CKF_USER_PIN_LOCKED) != 0));
      }
      return out;
    } finally {
      if (ours) {
        call(library, "C_Finalize", (Object) null); // SunPKCS11 initialises it again for itself
      }
    }
  }

  /**
   * The one token that {@code label} names, else the one whose serial is {@code serial}, else the
   * only token present.
   *
   * @throws TokenFailure ABSENT when none matches, or several do and nothing tells them apart
   */
  public static Present find(Path module, String label, String serial) {
    List<Present> present = tokens(module);
    List<Present> matching = present.stream()
        .filter(t -> label != null ? t.label().equals(label) : serial == null || t.serial().equals(serial)).toList();
    if (matching.isEmpty()) {
      throw new TokenFailure(TokenFailure.Reason.ABSENT, label != null ? "no token labelled '" + label + "' is present in " + module
          : serial != null ? "the token with serial " + serial + " is not present in " + module : "no token is present in " + module);
    }
    if (matching.size() > 1) {
      throw new TokenFailure(TokenFailure.Reason.ABSENT, matching.size() + " tokens " + (label != null ? "labelled '" + label + "' " : "")
          + "are present in " + module + ": name one with --token LABEL");
    }
    return matching.get(0);
  }

  private static NativeLibrary load(Path module) {
    if (!Files.isRegularFile(module)) {
      throw new TokenFailure(TokenFailure.Reason.MODULE, "PKCS#11 module " + module + " is not a file");
    }
    try {
      return NativeLibrary.getInstance(module.toAbsolutePath().toString());
    } catch (UnsatisfiedLinkError e) {
      throw new TokenFailure(TokenFailure.Reason.MODULE, "cannot load the PKCS#11 module " + module + ": " + e.getMessage(), e);
    }
  }

  private static long call(NativeLibrary library, String name, Object... args) {
    Function f = library.getFunction(name);
    return Native.LONG_SIZE == 8 ? f.invokeLong(args) : f.invokeInt(args) & 0xffffffffL;
  }

  private static void check(Path module, String function, long rv) {
    if (rv != CKR_OK) {
      throw failed(module, function, rv);
    }
  }

  private static TokenFailure failed(Path module, String function, long rv) {
    return new TokenFailure(TokenFailure.Reason.MODULE, "PKCS#11 module " + module + ": " + function + " returned 0x" + Long.toHexString(rv));
  }

  /** A blank-padded, not NUL-terminated PKCS#11 text field. */
  static String padded(byte[] field) {
    int end = field.length;
    while (end > 0 && (field[end - 1] == ' ' || field[end - 1] == 0)) {
      end--;
    }
    return new String(field, 0, end, StandardCharsets.UTF_8);
  }
}
