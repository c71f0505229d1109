package dev.anira.model;

import ai.djl.Device;
import dev.anira.schemas.Mechanism;
import dev.anira.training.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes the model {@link ModelBenchmark} times as a checkpoint ({@code DIR/peer.json}, {@code
 * DIR/peer.weights}) and its own step-by-step outputs on four sequences ({@code
 * DIR/reference.bin}), so the PyTorch peer (benchmarks/peer/anira_eager.py) runs the same weights
 * and proves it computes the same thing before it is timed.
 *
 * <p>reference.bin, little-endian: int B, int T, B·T int tokens, then per step (0 = prelude) B·T
 * float confidences.
 */
public final class PeerExport {

  private PeerExport() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/peer");
    try (Anira model = fixedModel()) {
      Checkpoint.save(dir, "peer", model, null, "PeerExport", Map.of(), 0);
      int[][] sequences = randomSequences(4);
      List<float[][]> confidences = new ArrayList<>();
      try (InferenceBatch batch = model.begin(sequences)) {
        confidences.add(batch.initialRecord().confidence());
        while (!batch.done()) {
          confidences.add(batch.step().confidence());
        }
      }
      int b = sequences.length;
      int t = ModelBenchmark.LENGTH;
      ByteBuffer out =
          ByteBuffer.allocate(8 + 4 * b * t * (1 + confidences.size()))
              .order(ByteOrder.LITTLE_ENDIAN);
      out.putInt(b).putInt(t);
      for (int[] sequence : sequences) {
        for (int token : sequence) {
          out.putInt(token);
        }
      }
      for (float[][] step : confidences) {
        for (float[] row : step) {
          for (float c : row) {
            out.putFloat(c);
          }
        }
      }
      Files.write(dir.resolve("reference.bin"), out.array());
    }
  }

  static Anira fixedModel() {
    return Anira.create(ModelConfig.defaults(16, Mechanism.FIXED), Device.cpu(), 1);
  }

  static int[][] randomSequences(int batch) {
    SplittableRandom random = new SplittableRandom(1);
    int[][] sequences = new int[batch][];
    for (int i = 0; i < batch; i++) {
      sequences[i] = random.ints(ModelBenchmark.LENGTH, 0, 16).toArray();
    }
    return sequences;
  }
}
