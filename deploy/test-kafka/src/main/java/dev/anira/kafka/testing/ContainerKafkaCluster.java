package dev.anira.kafka.testing;

import dev.anira.kafka.KafkaCluster;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** Kafka in a Docker container (Testcontainers), for machines that have a Docker engine. */
final class ContainerKafkaCluster implements KafkaCluster {

  /** Same version as the clients and the embedded broker. */
  static final String IMAGE = "apache/kafka:4.2.0";

  private final KafkaContainer container;

  private ContainerKafkaCluster(KafkaContainer container) {
    this.container = container;
  }

  static ContainerKafkaCluster start() {
    @SuppressWarnings("resource")
    KafkaContainer container =
        new KafkaContainer(DockerImageName.parse(IMAGE))
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    container.start();
    return new ContainerKafkaCluster(container);
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public String description() {
    return "Kafka container " + IMAGE + " at " + bootstrapServers();
  }

  @Override
  public void close() {
    container.close();
  }
}
