package dev.anira.schemas.serde;

import static dev.anira.schemas.serde.RoundTripTest.codecFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.SampleRecords;
import dev.anira.schemas.Topic;
import dev.anira.schemas.serde.RecordDecodingException.Reason;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CorruptInputTest {

  private final SingleObjectCodec<ProblemInstance> codec =
      SingleObjectCodec.of(ProblemInstance.class);
  private final byte[] valid = codec.encode((ProblemInstance) SampleRecords.of(Topic.TASKS));

  @Test
  void emptyAndShortMessagesHaveABadHeader() {
    for (int length = 0; length < 10; length++) {
      byte[] shortMessage = Arrays.copyOf(valid, length);
      assertReason(shortMessage, Reason.BAD_HEADER).hasMessageContaining("shorter than");
    }
  }

  @Test
  void wrongMarkerIsABadHeader() {
    byte[] bytes = valid.clone();
    bytes[0] = '{';
    assertReason(bytes, Reason.BAD_HEADER).hasMessageContaining("7B 01");
  }

  @Test
  void unknownFingerprintIsNamedInTheMessage() {
    byte[] bytes = valid.clone();
    bytes[5] ^= 0x40;
    assertReason(bytes, Reason.UNKNOWN_SCHEMA)
        .hasMessageContaining("matches no schema")
        .hasMessageContaining("ProblemInstance versions known: v1=");
  }

  @Test
  void anotherRecordTypeIsRecognised() {
    byte[] halting =
        SingleObjectCodec.of(dev.anira.schemas.HaltingEvent.class)
            .encode((dev.anira.schemas.HaltingEvent) SampleRecords.of(Topic.HALTING));
    assertReason(halting, Reason.WRONG_RECORD_TYPE)
        .hasMessageContaining("dev.anira.schemas.HaltingEvent (v4)")
        .hasMessageContaining("expected dev.anira.schemas.ProblemInstance");
  }

  @ParameterizedTest
  @EnumSource(Topic.class)
  void everyTruncationIsRejected(Topic topic) {
    SingleObjectCodec<SpecificRecordBase> any = codecFor(topic);
    byte[] full = any.encode(SampleRecords.of(topic));
    for (int length = 0; length < full.length; length++) {
      byte[] truncated = Arrays.copyOf(full, length);
      assertThat(catchThrowable(() -> any.decode(truncated)))
          .as("%s cut to %d of %d bytes", topic, length, full.length)
          .isInstanceOf(RecordDecodingException.class);
    }
  }

  @Test
  void trailingBytesAreRejected() {
    byte[] longer = Arrays.copyOf(valid, valid.length + 3);
    assertReason(longer, Reason.TRAILING_BYTES).hasMessageContaining("3 of");
  }

  @Test
  void hugeLengthPrefixDoesNotAllocate() {
    // Body starts with instanceId's length: claim 2^30 bytes (zig-zag varint of 2^30).
    byte[] bytes = Arrays.copyOf(valid, 10 + 5);
    byte[] varint = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
    System.arraycopy(varint, 0, bytes, 10, varint.length);
    assertReason(bytes, Reason.CORRUPT_BODY).hasMessageContaining("cannot fit");
  }

  @Test
  void hugeArrayCountDoesNotAllocate() {
    // Scalars before the difficulty array take 7 bytes: "a", "b", size 1, TRAIN, seed 0.
    ProblemInstance small =
        ProblemInstance.newBuilder((ProblemInstance) SampleRecords.of(Topic.TASKS))
            .setInstanceId("a")
            .setTask("b")
            .setSize(1)
            .setSplit(dev.anira.schemas.Split.TRAIN)
            .setSeed(0L)
            .build();
    byte[] bytes = codec.encode(small);
    byte[] count = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
    System.arraycopy(count, 0, bytes, 10 + 7, count.length);
    assertReason(bytes, Reason.CORRUPT_BODY).hasMessageContaining("item count");
  }

  /** Random bit flips, byte changes and cuts: only ever a RecordDecodingException or a record. */
  @ParameterizedTest
  @EnumSource(Topic.class)
  void fuzzedBytesNeverEscapeAsAnotherException(Topic topic) {
    SingleObjectCodec<SpecificRecordBase> any = codecFor(topic);
    byte[] full = any.encode(SampleRecords.of(topic));
    SplittableRandom random = new SplittableRandom(topic.ordinal());
    int rejected = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] bytes = full.clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = 10 + random.nextInt(bytes.length - 10);
        bytes[at] = (byte) random.nextInt(256);
      }
      Throwable thrown = catchThrowable(() -> any.decode(bytes));
      if (thrown != null) {
        assertThat(thrown).isInstanceOf(RecordDecodingException.class);
        rejected++;
      }
    }
    // Most damage is caught; a change inside a number is undetectable by any schema.
    assertThat(rejected).isGreaterThan(0);
  }

  private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertReason(
      byte[] bytes, Reason reason) {
    return assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOfSatisfying(
            RecordDecodingException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
