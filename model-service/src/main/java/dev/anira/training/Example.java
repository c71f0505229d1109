package dev.anira.training;

import dev.anira.tasks.GeneratedInstance;
import java.util.List;

/** One supervised sequence: what the model reads, where it answers, and the right answers. */
public record Example(GeneratedInstance source) {

  public int[] tokens() {
    return toArray(source.instance().getTokens());
  }

  public int[] answerPositions() {
    return toArray(source.instance().getAnswerPositions());
  }

  public int[] targets() {
    return toArray(source.trace().getTargets());
  }

  static int[] toArray(List<Integer> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
