package dev.anira.cli;

import picocli.CommandLine.Option;

/**
 * The Kafka a command talks to ({@code --bootstrap}), as a picocli mixin: {@code @Mixin
 * KafkaConnection kafka;}. Security settings come from the environment ({@link
 * KafkaClientSettings}), never from the command line.
 */
public final class KafkaConnection {

  /** Where {@code ./anira kafka} listens. */
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      defaultValue = DEFAULT_BOOTSTRAP,
      description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}")
  public String bootstrap;
}
