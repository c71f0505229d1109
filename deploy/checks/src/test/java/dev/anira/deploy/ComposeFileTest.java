package dev.anira.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The compose files lint clean, run every part of the pipeline from the images the build makes,
 * mount only files that exist, publish ports on loopback only, and the Grafana they provision reads
 * the dashboard the Kubernetes overlays ship too.
 */
class ComposeFileTest {

  private static final Path DIR = Deploy.path("deploy/compose");

  @Test
  void composeRunsThePipelineFromOurImages() throws IOException {
    Deploy.yamllint("deploy/compose");
    JsonNode services = Deploy.YAML.readTree(DIR.resolve("compose.yaml").toFile()).get("services");
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "kafka",
            "topics",
            "jobmanager",
            "taskmanager",
            "model-service",
            "task-producer",
            "monitor",
            "prometheus",
            "grafana");
    for (String ours :
        List.of("jobmanager", "taskmanager", "model-service", "task-producer", "monitor")) {
      assertThat(services.at("/" + ours + "/image").asText()).as(ours).isIn(Deploy.IMAGES);
    }
    assertThat(services.at("/jobmanager/command").toString())
        .contains("dev.anira.streamjobs.cli.AnalyzeCommand");

    List<String> problems = new ArrayList<>();
    services.forEach(
        service -> {
          service
              .path("volumes")
              .forEach(
                  v -> {
                    String source = v.asText().split(":")[0];
                    if (source.startsWith(".") && !Files.exists(DIR.resolve(source))) {
                      problems.add("mounts missing " + source);
                    }
                  });
          service
              .path("ports")
              .forEach(
                  p -> {
                    if (!p.asText().startsWith("127.0.0.1:")) {
                      problems.add("publishes " + p.asText() + " beyond loopback");
                    }
                  });
        });
    assertThat(problems).isEmpty();

    // Prometheus scrapes each of our services where it listens.
    String prometheus = Files.readString(DIR.resolve("prometheus/prometheus.yml"));
    for (String target :
        Set.of("model-service:9464", "task-producer:9464", "monitor:8080", "jobmanager:9249")) {
      assertThat(prometheus).contains(target);
    }
  }

  @Test
  void theGpuFileReservesAGpuForTheCudaFlavour() throws IOException {
    JsonNode model =
        Deploy.YAML
            .readTree(DIR.resolve("compose.gpu.yaml").toFile())
            .at("/services/model-service");
    assertThat(model.path("image").asText()).isIn(Deploy.IMAGES).contains("model-service-gpu");
    assertThat(model.at("/deploy/resources/reservations/devices/0/capabilities").toString())
        .contains("gpu");
    assertThat(model.path("command").toString()).contains("--device=gpu");
  }
}
