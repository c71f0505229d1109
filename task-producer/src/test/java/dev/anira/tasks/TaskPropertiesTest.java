package dev.anira.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anira.schemas.AlgorithmState;
import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.NamedSeries;
import dev.anira.schemas.ProblemInstance;
import dev.anira.schemas.serde.SingleObjectCodec;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TaskPropertiesTest {

  record Case(Task task, Params params, long seed) {
    GeneratedInstance generate() {
      return TaskGenerator.generate(task, params, seed);
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Task> tasks = Arbitraries.of(Tasks.all());
    return tasks.flatMap(
        task ->
            Combinators.combine(knobValues(task), Arbitraries.longs())
                .as((values, seed) -> new Case(task, Params.of(task, values), seed)));
  }

  /** Random valid knobs: each within its range, sizes kept small so brute force stays quick. */
  private static Arbitrary<Map<String, Double>> knobValues(Task task) {
    Arbitrary<Map<String, Double>> values = Arbitraries.just(Map.of());
    for (Knob knob : task.knobs()) {
      double max = knob.name().equals(task.sizeKnob()) ? Math.min(knob.max(), 40) : knob.max();
      Arbitrary<Double> value =
          knob.integer()
              ? Arbitraries.integers()
                  .between((int) Math.ceil(knob.min() / knob.step()), (int) max / knob.step())
                  .map(v -> (double) v * knob.step())
              : Arbitraries.doubles().between(knob.min(), max);
      values =
          Combinators.combine(values, value)
              .as(
                  (map, v) -> {
                    var copy = new java.util.HashMap<>(map);
                    copy.put(knob.name(), v);
                    return copy;
                  });
    }
    return values.map(map -> fixCombinations(task, map));
  }

  private static Map<String, Double> fixCombinations(Task task, Map<String, Double> map) {
    if (task.name().equals("kahn")) {
      map.put("depth", Math.min(map.get("depth"), map.get("nodes")));
    }
    return map;
  }

  @Property(tries = 700)
  void targetsEqualAnIndependentSolver(@ForAll("cases") Case c) {
    GeneratedInstance generated = c.generate();
    int[] targets = generated.trace().getTargets().stream().mapToInt(Integer::intValue).toArray();
    assertThat(BruteForce.solve(generated.instance()))
        .as("%s seed %d", c.params(), c.seed())
        .containsExactly(targets);
  }

  @Property(tries = 500)
  void traceResolvesEachTokenExactlyFromItsComplexityOn(@ForAll("cases") Case c) {
    AlgorithmTrace trace = c.generate().trace();
    List<Integer> complexity = trace.getComplexities().get(0).getValues();
    List<AlgorithmState> states = trace.getStates();
    assertThat(states).hasSize(complexity.stream().mapToInt(Integer::intValue).max().orElse(1));
    for (AlgorithmState state : states) {
      List<Double> resolved = feature(state, TraceBuilder.RESOLVED);
      List<Double> answer = feature(state, TraceBuilder.ANSWER);
      for (int i = 0; i < complexity.size(); i++) {
        boolean known = state.getStep() >= complexity.get(i);
        assertThat(resolved.get(i))
            .as("token %d at step %d", i, state.getStep())
            .isEqualTo(known ? 1.0 : 0.0);
        assertThat(answer.get(i)).isEqualTo(known ? trace.getTargets().get(i).doubleValue() : -1.0);
      }
    }
    List<Double> finalAnswers = feature(states.get(states.size() - 1), TraceBuilder.ANSWER);
    assertThat(finalAnswers)
        .containsExactlyElementsOf(trace.getTargets().stream().map(Integer::doubleValue).toList());
  }

  @Property(tries = 300)
  void recordsAreWellFormedAndEncode(@ForAll("cases") Case c) {
    GeneratedInstance g = c.generate();
    ProblemInstance instance = g.instance();
    int answers = instance.getAnswerPositions().size();
    assertThat(instance.getTokens()).allMatch(t -> t >= 0 && t < c.task().vocabSize());
    assertThat(g.trace().getTargets()).allMatch(t -> t >= 0 && t < c.task().vocabSize());
    assertThat(instance.getAnswerPositions())
        .isSorted()
        .allMatch(p -> p < instance.getTokens().size());
    assertThat(instance.getAnswerPositions()).doesNotHaveDuplicates();
    for (NamedSeries s : g.trace().getStaticFeatures()) {
      assertThat(s.getValues()).as(s.getName()).hasSize(answers);
    }
    g.trace()
        .getComplexities()
        .forEach(x -> assertThat(x.getValues()).allMatch(v -> v >= 1).hasSize(answers));
    assertThat(
            SingleObjectCodec.of(ProblemInstance.class)
                .decode(SingleObjectCodec.of(ProblemInstance.class).encode(instance)))
        .isEqualTo(instance);
    assertThat(
            SingleObjectCodec.of(AlgorithmTrace.class)
                .decode(SingleObjectCodec.of(AlgorithmTrace.class).encode(g.trace())))
        .isEqualTo(g.trace());
  }

  @Property(tries = 100)
  void sameSeedSameInstance(@ForAll("cases") Case c) {
    assertThat(c.generate()).isEqualTo(c.generate());
  }

  private static List<Double> feature(AlgorithmState state, String name) {
    return state.getFeatures().stream()
        .filter(f -> f.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no feature " + name + " at step " + state.getStep()))
        .getValues();
  }
}
