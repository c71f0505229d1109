package dev.anira.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A problem generator with its reference algorithm: {@code (difficulty, seed) -> instance + trace}.
 * Implementations are stateless and thread-safe; the same params and seed always give the same
 * instance.
 */
public interface Task {

  /** Short lower-case name, as on the command line and in every record. */
  String name();

  /** Number of token ids; every token and target is below it. */
  int vocabSize();

  /** The knob that is the input size n (the axis of generalization). */
  String sizeKnob();

  List<Knob> knobs();

  /** Checks combinations of knobs that single ranges cannot express. */
  default void validate(Params params) {}

  /** Builds tokens, targets, features and the step-by-step reference execution. */
  void generate(Params params, SplittableRandom random, TraceBuilder out);
}
