package dev.anira.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Multi-digit addition, least significant digit first, operands interleaved: {@code a1 b1 a2 b2 ...
 * an bn =}. Digits are ids 0-9, {@code =} is 10. The answers are every {@code b_i} (target: sum
 * digit i) and {@code =} (target: the final carry), each determined by its prefix.
 *
 * <p>Reference: carry resolution. A digit pair generates (sum ≥ 10), kills (≤ 8) or propagates (=
 * 9) its carry-in. The carry into digit i is known at step 1 + the length of the run of propagating
 * pairs just below i ({@code carry-chain}, primary); a ripple adder needs step i ({@code ripple}).
 */
final class AdditionTask implements Task {

  static final int EQUALS = 10;

  @Override
  public String name() {
    return "addition";
  }

  @Override
  public int vocabSize() {
    return 11;
  }

  @Override
  public String sizeKnob() {
    return "digits";
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        Knob.ofInt("digits", 8, 1, 256, "digits per operand"),
        Knob.ofReal("propagate", 0.1, 0, 1, "probability that a digit pair sums to 9"));
  }

  @Override
  public void generate(Params params, SplittableRandom random, TraceBuilder out) {
    int n = params.getInt("digits");
    double propagate = params.get("propagate");
    int answers = n + 1;
    int[] targets = new int[answers];
    int[] chain = new int[answers];
    int[] ripple = new int[answers];
    int[] carryIn = new int[answers];
    int carry = 0;
    int run = 0; // propagating pairs directly below the current digit
    for (int i = 0; i < n; i++) {
      int a;
      int b;
      if (random.nextDouble() < propagate) {
        a = random.nextInt(10);
        b = 9 - a;
      } else {
        do {
          a = random.nextInt(10);
          b = random.nextInt(10);
        } while (a + b == 9);
      }
      out.token(a);
      int sum = a + b + carry;
      targets[i] = sum % 10;
      carryIn[i] = carry;
      chain[i] = 1 + run;
      ripple[i] = i + 1;
      out.answer(b, targets[i]);
      carry = sum / 10;
      run = a + b == 9 ? run + 1 : 0;
    }
    targets[n] = carry;
    carryIn[n] = carry;
    chain[n] = 1 + run;
    ripple[n] = n + 1;
    out.answer(EQUALS, carry);

    double[] position = new double[answers];
    double[] isCarryOut = new double[answers];
    for (int i = 0; i < answers; i++) {
      position[i] = i;
    }
    isCarryOut[n] = 1;
    out.staticFeature("position", position);
    out.staticFeature("inputSize", Steps.constant(answers, n));
    out.staticFeature("isCarryOut", isCarryOut);
    out.complexity("carry-chain", chain);
    out.complexity("ripple", ripple);
    Steps.emit(
        out,
        chain,
        targets,
        (t, features) -> {
          double[] known = new double[answers];
          double[] carryValue = new double[answers];
          double[] chainLeft = new double[answers];
          for (int i = 0; i < answers; i++) {
            known[i] = t >= chain[i] ? 1 : 0;
            carryValue[i] = t >= chain[i] ? carryIn[i] : -1;
            chainLeft[i] = Math.max(0, chain[i] - t);
          }
          features.put("carryKnown", known);
          features.put("carryIn", carryValue);
          features.put("chainLeft", chainLeft);
        });
    double[] chainLength = new double[answers];
    for (int i = 0; i < answers; i++) {
      chainLength[i] = chain[i] - 1;
    }
    out.algorithmFeature("chainLength", chainLength);
    out.featuresAtResolution("carryIn");
  }
}
