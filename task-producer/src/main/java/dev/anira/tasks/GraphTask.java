package dev.anira.tasks;

/** What the three graph tasks share: the node-id vocabulary and node count as the input size. */
abstract class GraphTask implements Task {

  static final Knob NODES = Knob.ofInt("nodes", 16, 2, Graphs.MAX_NODES, "number of nodes");

  @Override
  public final int vocabSize() {
    return Graphs.VOCAB;
  }

  @Override
  public final String sizeKnob() {
    return NODES.name();
  }
}
