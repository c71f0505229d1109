package dev.anira.monitor;

/**
 * Everything {@code anira monitor} is configured with, validated on creation.
 *
 * @param bootstrap Kafka bootstrap servers the reports are read from
 * @param host address the dashboard binds; loopback keeps it private
 * @param port HTTP port; 0 picks a free one
 * @throws IllegalArgumentException naming the option of the first value out of range
 */
public record MonitorConfig(String bootstrap, String host, int port) {

  // The defaults, stated once: the command's options and the demo read them from here.
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_PORT = "8080";

  public MonitorConfig {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("--bootstrap is required");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be within 0..65535, got " + port);
    }
  }
}
