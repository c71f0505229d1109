package dev.anira.training;

import ai.djl.Device;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The checkpoints shipped in the jar, under {@code dev/anira/models/}: {@code index.txt} names
 * them, one per line (a classpath cannot be listed portably).
 */
public final class BundledCheckpoints {

  private static final String ROOT = "/dev/anira/models/";

  private BundledCheckpoints() {}

  public static List<String> names() {
    try (InputStream index = BundledCheckpoints.class.getResourceAsStream(ROOT + "index.txt")) {
      if (index == null) {
        return List.of();
      }
      return new String(index.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::trim)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Checkpoint.Loaded load(String name, Device device) throws IOException {
    try (InputStream json = open(name + ".json");
        InputStream weights = open(name + ".weights")) {
      return Checkpoint.load("bundled:" + name, json, weights, device);
    }
  }

  private static InputStream open(String file) {
    InputStream in = BundledCheckpoints.class.getResourceAsStream(ROOT + file);
    if (in == null) {
      throw new IllegalArgumentException(
          "no bundled checkpoint file " + file + "; bundled checkpoints are " + names());
    }
    return in;
  }
}
