package dev.anira.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anira.schemas.Topic;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** {@code anira kafka} as a user runs it: its own JVM, stopped by a signal. */
class KafkaCommandIT {

  @Test
  void startsTheBrokerWithEveryTopicAndStopsCleanlyOnSignal() throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                AniraCli.class.getName(),
                "kafka",
                "--port",
                "0",
                "--partitions",
                "anira.steps=2")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> lines = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("Press Ctrl-C")) {
        lines.add(line);
      }
      assertThat(line).as("output so far: %s", lines).isNotNull();
      String bootstrap =
          lines.stream()
              .filter(l -> l.startsWith("bootstrap.servers="))
              .findFirst()
              .orElseThrow()
              .substring("bootstrap.servers=".length());
      Path logDir =
          Path.of(
              lines.stream()
                  .filter(l -> l.startsWith("  data in "))
                  .findFirst()
                  .orElseThrow()
                  .substring("  data in ".length())
                  .replace(" (deleted on exit)", ""));

      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        var names = Arrays.stream(Topic.values()).map(Topic::topicName).toList();
        var topics = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        for (Topic topic : Topic.values()) {
          int expected = topic == Topic.STEPS ? 2 : topic.defaultPartitions();
          assertThat(topics.get(topic.topicName()).partitions())
              .as(topic.topicName())
              .hasSize(expected);
        }
      }

      // SIGTERM takes the same shutdown path as Ctrl-C. Process.destroy() would also close
      // our end of stdout, so signal through the handle.
      process.toHandle().destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      StringBuilder rest = new StringBuilder();
      while ((line = out.readLine()) != null) {
        rest.append(line).append('\n');
      }
      assertThat(rest.toString()).contains("Kafka stopped.");
      assertThat(logDir).doesNotExist();
      int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .isInstanceOf(IOException.class);
    } finally {
      process.destroyForcibly();
    }
  }
}
