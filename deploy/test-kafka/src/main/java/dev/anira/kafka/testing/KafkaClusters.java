package dev.anira.kafka.testing;

import dev.anira.kafka.EmbeddedKafkaBroker;
import dev.anira.kafka.EmbeddedKafkaConfig;
import dev.anira.kafka.KafkaCluster;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Starts the Kafka a test or the local stack should use: a Testcontainers broker when a Docker
 * engine answers, the in-process broker otherwise. The environment variable {@value #ENV} (or the
 * system property {@value #PROPERTY}) forces one: {@code embedded}, {@code container} or {@code
 * auto}.
 */
public final class KafkaClusters {

  public static final String ENV = "ANIRA_KAFKA";
  public static final String PROPERTY = "anira.kafka";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaClusters.class);

  /** Which Kafka to start. */
  public enum Kind {
    AUTO,
    EMBEDDED,
    CONTAINER;

    static Kind parse(String value, String source) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            source + "=" + value + " is not one of auto, embedded, container", e);
      }
    }
  }

  private KafkaClusters() {}

  /** The kind asked for by the environment, AUTO when nothing is set. */
  public static Kind requestedKind() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return Kind.parse(property, PROPERTY);
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return Kind.parse(env, ENV);
    }
    return Kind.AUTO;
  }

  public static KafkaCluster start() {
    return start(requestedKind());
  }

  public static KafkaCluster start(Kind kind) {
    Kind chosen = kind == Kind.AUTO ? (dockerAvailable() ? Kind.CONTAINER : Kind.EMBEDDED) : kind;
    KafkaCluster cluster =
        chosen == Kind.CONTAINER
            ? ContainerKafkaCluster.start()
            : EmbeddedKafkaBroker.start(EmbeddedKafkaConfig.ephemeral());
    LOG.info("Using {} (asked for {})", cluster.description(), kind);
    return cluster;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
