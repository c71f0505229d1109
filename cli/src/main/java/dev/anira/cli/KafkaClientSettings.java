package dev.anira.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings that every service's clients take from the environment: {@code
 * ANIRA_KAFKA_SECURITY_PROTOCOL=SASL_SSL} becomes {@code security.protocol=SASL_SSL}. A cluster
 * passes SASL and TLS settings this way from a Secret, so credentials appear in no manifest,
 * command line or log. The service's own settings (isolation, transactions) win over these.
 */
public final class KafkaClientSettings {

  public static final String PREFIX = "ANIRA_KAFKA_";

  private KafkaClientSettings() {}

  /** The settings in this process's environment, as client properties to build on. */
  public static Properties fromEnvironment() {
    return from(System.getenv());
  }

  static Properties from(Map<String, String> environment) {
    Properties settings = new Properties();
    environment.forEach(
        (name, value) -> {
          if (!name.startsWith(PREFIX) || name.length() == PREFIX.length()) {
            return;
          }
          String key = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
          if (key.equals("bootstrap.servers")) {
            throw new IllegalArgumentException(
                name + " is not used: give the brokers with --bootstrap instead");
          }
          settings.setProperty(key, value);
        });
    return settings;
  }
}
