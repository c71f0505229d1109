package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.Mechanism;
import dev.anira.schemas.RecurrenceStep;
import dev.anira.schemas.serde.RecordDecodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * The step reader gives the join exactly what a full Avro decode followed by {@link
 * dev.anira.analytics.StepView#of} gives, for valid, invalid and corrupt records alike.
 */
class StepRecordReaderTest {

  @Test
  void readsWhatAFullDecodeReads() {
    SplittableRandom random = new SplittableRandom(20);
    int invalid = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = JoinInput.STEPS.encode(randomStep(random, i));
      JoinInput fast = JoinInput.decode("anira.steps", bytes);
      assertSameColumns(fast, full(bytes));
      invalid += fast.invalid == null ? 0 : 1;
    }
    // Both kinds were exercised.
    assertThat(invalid).isBetween(200, 1_800);
  }

  @Test
  void refusesWhatAFullDecodeRefuses() {
    SplittableRandom random = new SplittableRandom(21);
    int refused = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] bytes = JoinInput.STEPS.encode(randomStep(random, i));
      byte[] corrupt =
          random.nextBoolean()
              ? Arrays.copyOf(bytes, random.nextInt(10, bytes.length))
              : flipBit(bytes, random);
      Object fast = outcome(() -> JoinInput.decode("anira.steps", corrupt));
      Object full = outcome(() -> full(corrupt));
      if (full instanceof RecordDecodingException) {
        refused++;
        assertThat(fast).as("record %d", i).isInstanceOf(RecordDecodingException.class);
        assertThat(((RecordDecodingException) fast).reason())
            .isEqualTo(((RecordDecodingException) full).reason());
      } else {
        assertThat(fast).as("record %d", i).isInstanceOf(JoinInput.class);
        assertSameColumns((JoinInput) fast, (JoinInput) full);
      }
    }
    assertThat(refused).isBetween(300, 2_900);
  }

  /**
   * The source's event time of a step: the full decode's, or none where the decode refuses; the
   * record it decoded for it is what the job's decode then takes, not decoded again.
   */
  @Test
  void theEventTimeIsTheFullDecodesAndRefusedWhenItIs() {
    SplittableRandom random = new SplittableRandom(22);
    int refused = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] bytes = JoinInput.STEPS.encode(randomStep(random, i));
      byte[] message =
          switch (random.nextInt(3)) {
            case 0 -> bytes;
            case 1 -> Arrays.copyOf(bytes, random.nextInt(10, bytes.length));
            default -> flipBit(bytes, random);
          };
      RawRecord raw = new RawRecord("anira.steps", 0, i, null, message);
      long eventTime = SourceEventTime.of(raw);
      Object full = outcome(() -> full(message));
      if (full instanceof RecordDecodingException) {
        refused++;
        assertThat(eventTime).as("record %d", i).isEqualTo(Long.MIN_VALUE);
        assertThat(raw.decoded).as("record %d", i).isNull();
      } else {
        assertThat(eventTime).as("record %d", i).isEqualTo(((JoinInput) full).eventTime);
        assertSameColumns(raw.decoded, (JoinInput) full);
        assertThat(JoinInput.decode(raw)).as("record %d", i).isSameAs(raw.decoded);
      }
    }
    assertThat(refused).isBetween(300, 2_700);
  }

  /** A message object refilled with other bytes after its event time was read is decoded anew. */
  @Test
  void aRefilledMessageIsNotTakenForTheOneDecodedBefore() {
    SplittableRandom random = new SplittableRandom(23);
    byte[] first = JoinInput.STEPS.encode(randomStep(random, 0));
    byte[] second = JoinInput.STEPS.encode(randomStep(random, 1));
    RawRecord raw = new RawRecord("anira.steps", 0, 0, null, first);
    SourceEventTime.of(raw);
    raw.value = second;
    assertSameColumns(JoinInput.decode(raw), full(second));
  }

  @Test
  void aSchemaWithOtherFieldsIsRefusedAtOnce() {
    Schema changed =
        SchemaBuilder.record("RecurrenceStep")
            .namespace("dev.anira.schemas")
            .fields()
            .requiredString("instanceId")
            .requiredString("modelId")
            .endRecord();
    assertThatThrownBy(() -> new StepRecordReader(changed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RecurrenceStep's schema changed")
        .hasMessageContaining("but the schema has [instanceId:string, modelId:string]");
  }

  private static JoinInput full(byte[] bytes) {
    RecurrenceStep step = JoinInput.STEPS.decode(bytes);
    JoinInput input = JoinInput.of(step);
    input.payload = bytes;
    return input;
  }

  private static void assertSameColumns(JoinInput fast, JoinInput full) {
    assertThat(fast.kind).isEqualTo(JoinInput.Kind.STEP);
    assertThat(fast).isEqualTo(full); // ids, kind, event time and bytes
    assertThat(fast.step).isEqualTo(full.step);
    assertThat(fast.haltProbability).isEqualTo(full.haltProbability);
    assertThat(fast.prediction).isEqualTo(full.prediction);
    assertThat(fast.invalid).isEqualTo(full.invalid);
  }

  private static Object outcome(Supplier<JoinInput> decode) {
    try {
      return decode.get();
    } catch (RecordDecodingException e) {
      return e;
    }
  }

  static byte[] flipBit(byte[] bytes, SplittableRandom random) {
    byte[] flipped = bytes.clone();
    // Past the 10-byte header: the body is what the two readers read differently.
    int at = random.nextInt(10, flipped.length);
    flipped[at] ^= (byte) (1 << random.nextInt(8));
    return flipped;
  }

  /**
   * A step of 0-20 positions whose values are mostly valid; some are NaN, negative, above 1 or of
   * another length, as a broken model's would be.
   */
  private static RecurrenceStep randomStep(SplittableRandom random, int i) {
    int positions = random.nextInt(0, 21);
    boolean broken = random.nextInt(4) == 0;
    return RecurrenceStep.newBuilder()
        .setInstanceId("i-" + i)
        .setModelId(random.nextBoolean() ? "m-online" : "mödel/ä")
        .setMechanism(Mechanism.values()[random.nextInt(Mechanism.values().length)])
        .setTask("addition")
        .setStep(random.nextInt(0, 13))
        .setMaxDepth(12)
        .setAnswerPositions(ints(random, positions))
        .setHaltProbability(floats(random, positions, broken))
        .setCumulativeHalt(floats(random, positions, broken))
        .setActive(booleans(random, positions))
        .setHalted(booleans(random, positions))
        .setStateDelta(floats(random, broken ? positions + random.nextInt(2) : positions, false))
        .setPrediction(ints(random, positions))
        .setConfidence(floats(random, positions, false))
        .setPlannedDepth(ints(random, random.nextInt(0, 3) * positions / 2))
        .setEventTime(Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)))
        .setProducerId("model-service")
        .build();
  }

  private static List<Float> floats(SplittableRandom random, int n, boolean broken) {
    List<Float> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      float v = random.nextFloat();
      if (broken && random.nextInt(8) == 0) {
        v = new float[] {Float.NaN, -0.5f, 1.5f, Float.POSITIVE_INFINITY}[random.nextInt(4)];
      }
      out.add(v);
    }
    return out;
  }

  private static List<Integer> ints(SplittableRandom random, int n) {
    List<Integer> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      out.add(random.nextInt(-5, 1_000));
    }
    return out;
  }

  private static List<Boolean> booleans(SplittableRandom random, int n) {
    List<Boolean> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      out.add(random.nextBoolean());
    }
    return out;
  }
}
