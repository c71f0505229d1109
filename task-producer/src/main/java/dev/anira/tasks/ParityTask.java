package dev.anira.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Prefix parity. Tokens: n bits (ids 0 and 1); every token is an answer, its target the XOR of the
 * bits up to and including it. Reference algorithms: a Hillis-Steele parallel scan (primary, {@code
 * parallel-scan}: position i is resolved after ⌈log2 i⌉ + 1 steps) and a left-to-right scan ({@code
 * sequential}: step i). State: the span of bits each position has combined so far.
 */
final class ParityTask implements Task {

  @Override
  public String name() {
    return "parity";
  }

  @Override
  public int vocabSize() {
    return 2;
  }

  @Override
  public String sizeKnob() {
    return "length";
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        Knob.ofInt("length", 16, 1, 512, "number of bits"),
        Knob.ofReal("ones", 0.5, 0, 1, "probability of a 1 bit"));
  }

  @Override
  public void generate(Params params, SplittableRandom random, TraceBuilder out) {
    int n = params.getInt("length");
    double ones = params.get("ones");
    int[] targets = new int[n];
    int[] parallel = new int[n];
    int[] sequential = new int[n];
    double[] position = new double[n];
    double[] bitValue = new double[n];
    double[] onesBefore = new double[n];
    int xor = 0;
    int count = 0;
    for (int i = 0; i < n; i++) {
      int bit = random.nextDouble() < ones ? 1 : 0;
      xor ^= bit;
      targets[i] = xor;
      out.answer(bit, xor);
      parallel[i] = Steps.scanComplexity(i + 1);
      sequential[i] = i + 1;
      position[i] = i;
      bitValue[i] = bit;
      onesBefore[i] = count;
      count += bit;
    }
    out.staticFeature("position", position);
    out.staticFeature("inputSize", Steps.constant(n, n));
    out.staticFeature("bit", bitValue);
    out.complexity("parallel-scan", parallel);
    out.complexity("sequential", sequential);
    Steps.emit(out, parallel, targets, (t, features) -> features.put("span", Steps.scanSpan(n, t)));
    out.algorithmFeature("onesBefore", onesBefore);
  }
}
