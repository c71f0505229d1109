package dev.anira.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** FIXED, the control: every token runs exactly D steps (docs/design.md §2). */
final class FixedDepth implements HaltingRule {

  private final int depth;

  FixedDepth(ModelConfig config) {
    this.depth = config.fixedDepth();
  }

  @Override
  public Decision decide(Cells cells) {
    NDArray halt = cells.steps().eq(depth);
    NDArray hazard = halt.toType(DataType.FLOAT32, false);
    return new Decision(null, hazard, hazard, halt);
  }
}
