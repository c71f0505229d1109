package dev.anira.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.serde.RecordDecodingException;
import dev.anira.tasks.Params;
import dev.anira.tasks.Task;
import dev.anira.tasks.TaskGenerator;
import dev.anira.tasks.Tasks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * The trace reader gives the join exactly what a full Avro decode gives without the algorithm
 * states, for the task library's traces and corrupt messages alike, and what the join writes back
 * to its state from it is the same bytes.
 */
class TraceReaderTest {

  @Test
  void readsWhatAFullDecodeReadsWithoutTheStates() {
    List<byte[]> traces = libraryTraces();
    int withStates = 0;
    for (byte[] bytes : traces) {
      AlgorithmTrace full = JoinInput.TRACES.decode(bytes);
      withStates += full.getStates().isEmpty() ? 0 : 1;
      AlgorithmTrace fast = JoinInput.trace(bytes);
      assertThat(fast).isEqualTo(TraceReader.withoutStates(full));
      assertThat(JoinInput.TRACES.encode(fast)).isEqualTo(JoinInput.TRACES.encode(full));
      JoinInput input = JoinInput.decode("anira.traces", bytes);
      assertThat(input.kind).isEqualTo(JoinInput.Kind.TRACE);
      assertThat(input.instanceId).isEqualTo(full.getInstanceId());
      assertThat(input.eventTime).isEqualTo(full.getEventTime().toEpochMilli());
      assertThat(input.payload).isSameAs(bytes);
    }
    // The skipped part was there to skip.
    assertThat(withStates).isEqualTo(traces.size());
  }

  @Test
  void refusesWhatAFullDecodeRefuses() {
    SplittableRandom random = new SplittableRandom(24);
    List<byte[]> traces = libraryTraces();
    int refused = 0;
    int trials = 3_000;
    for (int i = 0; i < trials; i++) {
      byte[] bytes = traces.get(random.nextInt(traces.size()));
      byte[] corrupt =
          random.nextBoolean()
              ? Arrays.copyOf(bytes, random.nextInt(10, bytes.length))
              : StepRecordReaderTest.flipBit(bytes, random);
      Object fast = outcome(() -> JoinInput.trace(corrupt));
      Object full = outcome(() -> TraceReader.withoutStates(JoinInput.TRACES.decode(corrupt)));
      if (full instanceof RecordDecodingException refusal) {
        refused++;
        assertThat(fast).as("message %d", i).isInstanceOf(RecordDecodingException.class);
        assertThat(((RecordDecodingException) fast).reason()).isEqualTo(refusal.reason());
      } else {
        assertThat(fast).as("message %d", i).isEqualTo(full);
      }
    }
    assertThat(refused).isBetween(trials / 10, trials - trials / 10);
  }

  @Test
  void aSchemaWithOtherFieldsIsRefusedAtOnce() {
    Schema changed =
        SchemaBuilder.record("AlgorithmTrace")
            .namespace("dev.anira.schemas")
            .fields()
            .requiredString("instanceId")
            .endRecord();
    assertThatThrownBy(() -> new TraceReader(changed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AlgorithmTrace's schema changed")
        .hasMessageContaining("but the schema has [instanceId:string]");
  }

  /** Every task's traces at its default difficulty, a few seeds each. */
  private static List<byte[]> libraryTraces() {
    List<byte[]> out = new ArrayList<>();
    for (Task task : Tasks.all()) {
      for (long seed = 0; seed < 5; seed++) {
        AlgorithmTrace trace =
            TaskGenerator.generate(task, Params.of(task, Map.of()), seed).trace();
        out.add(JoinInput.TRACES.encode(trace));
      }
    }
    return out;
  }

  private static Object outcome(Supplier<AlgorithmTrace> decode) {
    try {
      return decode.get();
    } catch (RecordDecodingException e) {
      return e;
    }
  }
}
