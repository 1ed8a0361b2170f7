package io.kinko.vault;

/**
 * A folder put that failed after some of its files were stored: those stay stored, and {@link
 * #report} lists them, with what was skipped before the failure. The failure is the cause: an
 * {@link OutcomeUnknownException} if the batch that failed may be stored as well. Putting the whole
 * folder again stores the listed files again, as new versions.
 */
public class PartlyStoredException extends VaultException {
  private static final long serialVersionUID = 1L;
  private final transient PutReport report;

  public PartlyStoredException(PutReport report, VaultException cause) {
    super(cause.getMessage() + "; the " + report.stored().size() + " file(s) stored before the failure stay stored", cause);
    this.report = report;
  }

  /** The files stored before the failure, and what was skipped until then. */
  public PutReport report() {
    return report;
  }
}
