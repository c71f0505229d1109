package dev.anira.schemas.serde;

import dev.anira.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the {@link DeadLetter} for an input a service had to reject. */
public final class DeadLetters {

  private DeadLetters() {}

  /**
   * A dead letter for bytes read from Kafka (partition and offset may be null for other sources).
   * The error type is the decoding reason when the cause is a {@link RecordDecodingException}, else
   * the given fallback code.
   */
  public static DeadLetter of(
      String sourceTopic,
      Integer partition,
      Long offset,
      byte[] key,
      byte[] payload,
      Throwable cause,
      String fallbackErrorType,
      String producerId) {
    String errorType =
        cause instanceof RecordDecodingException rde ? rde.reason().name() : fallbackErrorType;
    String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    return DeadLetter.newBuilder()
        .setSourceTopic(sourceTopic)
        .setPartition(partition)
        .setOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key.clone()))
        .setPayload(payload == null ? null : ByteBuffer.wrap(payload.clone()))
        .setErrorType(errorType)
        .setReason(reason)
        .setEventTime(Instant.now())
        .setProducerId(producerId)
        .build();
  }
}
