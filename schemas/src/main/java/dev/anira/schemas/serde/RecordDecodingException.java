package dev.anira.schemas.serde;

/**
 * Bytes that are not a readable record of the expected type. Callers route the input to {@link
 * dev.anira.schemas.Topic#DEAD_LETTERS} with {@link #reason()} as its error type.
 */
public final class RecordDecodingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the bytes were rejected; the names are stable codes for dead letters and metrics. */
  public enum Reason {
    /** Not Avro single-object encoding: too short or wrong marker bytes. */
    BAD_HEADER,
    /** The fingerprint names no schema this build knows. */
    UNKNOWN_SCHEMA,
    /** The fingerprint names a known schema of another record type. */
    WRONG_RECORD_TYPE,
    /** The header is fine but the body does not decode under its schema. */
    CORRUPT_BODY,
    /** The body decoded but bytes were left over. */
    TRAILING_BYTES
  }

  private final Reason reason;

  public RecordDecodingException(Reason reason, String message) {
    this(reason, message, null);
  }

  public RecordDecodingException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
