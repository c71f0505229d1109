package dev.anira.model;

/** A checkpoint's weights do not fit the model its config describes, or the files are damaged. */
public final class CheckpointMismatchException extends RuntimeException {
  public CheckpointMismatchException(String message) {
    super(message);
  }

  public CheckpointMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
