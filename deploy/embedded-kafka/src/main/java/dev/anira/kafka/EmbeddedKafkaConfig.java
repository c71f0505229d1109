package dev.anira.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the in-process broker. Port 0 picks a free port. Without a log directory the broker
 * writes to a fresh temporary one and deletes it on close.
 *
 * @param host address both listeners bind to; loopback unless you mean to expose the broker
 * @param port client (PLAINTEXT) port, 0 for any free one
 * @param controllerPort KRaft controller port, 0 for any free one
 * @param logDir where partitions live; null for a temporary directory
 * @param keepLogDir leave {@code logDir} on close (ignored for a temporary directory)
 * @param overrides extra broker properties, applied last
 */
public record EmbeddedKafkaConfig(
    String host,
    int port,
    int controllerPort,
    Path logDir,
    boolean keepLogDir,
    Map<String, String> overrides) {

  public static final String DEFAULT_HOST = "127.0.0.1";

  public EmbeddedKafkaConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    checkPort("port", port);
    checkPort("controller port", controllerPort);
    if (port != 0 && port == controllerPort) {
      throw new IllegalArgumentException("port and controller port must differ, both are " + port);
    }
    overrides = Map.copyOf(Objects.requireNonNull(overrides, "overrides"));
  }

  /** Loopback, free ports, temporary log directory: what tests want. */
  public static EmbeddedKafkaConfig ephemeral() {
    return new EmbeddedKafkaConfig(DEFAULT_HOST, 0, 0, null, false, Map.of());
  }

  public EmbeddedKafkaConfig withPort(int newPort) {
    return new EmbeddedKafkaConfig(host, newPort, controllerPort, logDir, keepLogDir, overrides);
  }

  public EmbeddedKafkaConfig withControllerPort(int newPort) {
    return new EmbeddedKafkaConfig(host, port, newPort, logDir, keepLogDir, overrides);
  }

  public EmbeddedKafkaConfig withHost(String newHost) {
    return new EmbeddedKafkaConfig(newHost, port, controllerPort, logDir, keepLogDir, overrides);
  }

  public EmbeddedKafkaConfig withLogDir(Path dir, boolean keep) {
    return new EmbeddedKafkaConfig(host, port, controllerPort, dir, keep, overrides);
  }

  public EmbeddedKafkaConfig withOverrides(Map<String, String> extra) {
    return new EmbeddedKafkaConfig(host, port, controllerPort, logDir, keepLogDir, extra);
  }

  private static void checkPort(String name, int value) {
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(name + " must be 0..65535, got " + value);
    }
  }
}
