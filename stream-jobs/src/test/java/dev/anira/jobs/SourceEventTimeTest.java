package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.schemas.serde.RecordDecodingException;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The source's event time of traces and results (steps: {@link StepRecordReaderTest}): the Avro
 * record's own {@code eventTime}, read with the one decode the job's decode then takes; none for a
 * message that does not decode.
 */
class SourceEventTimeTest {

  @Test
  void tracesAndResultsCarryTheirDecodedEventTimeOrNone() {
    SplittableRandom random = new SplittableRandom(24);
    int read = 0;
    int refused = 0;
    for (JoinInput input : Fixtures.data(7, 200, 1_000).inputs()) {
      if (input.kind == JoinInput.Kind.STEP) {
        continue;
      }
      SingleObjectCodec<?> codec =
          input.kind == JoinInput.Kind.TRACE ? JoinInput.TRACES : JoinInput.RESULTS;
      byte[] message =
          switch (random.nextInt(3)) {
            case 0 -> input.payload;
            case 1 -> Arrays.copyOf(input.payload, random.nextInt(10, input.payload.length));
            default -> StepRecordReaderTest.flipBit(input.payload, random);
          };
      RawRecord raw =
          new RawRecord(
              JoinInput.topicOf(input.kind).topicName(), 0, read + refused, null, message);
      long eventTime = SourceEventTime.of(raw);
      long expected;
      try {
        expected = ((java.time.Instant) codec.decode(message).get("eventTime")).toEpochMilli();
      } catch (RecordDecodingException e) {
        refused++;
        assertThat(eventTime).as("%s", raw).isEqualTo(Long.MIN_VALUE);
        assertThat(raw.decoded).as("%s", raw).isNull();
        continue;
      }
      read++;
      assertThat(eventTime).as("%s", raw).isEqualTo(expected);
      assertThat(JoinInput.decode(raw)).as("%s", raw).isSameAs(raw.decoded);
      assertThat(raw.decoded.kind).isEqualTo(input.kind);
    }
    assertThat(read).isGreaterThan(100);
    assertThat(refused).isGreaterThan(100);
  }
}
