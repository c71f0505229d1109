package dev.anira.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The repository's deploy files and the command-line tools the checks run on them. */
final class Deploy {

  static final Path ROOT = Path.of(System.getProperty("anira.root", "../..")).toAbsolutePath();
  static final String VERSION = System.getProperty("anira.version", "0.1.0-SNAPSHOT");

  /** Every image the build makes (-Pimages; the GPU flavour with -Dgpu). */
  static final Set<String> IMAGES =
      Set.of(
          "anira/task-producer:" + VERSION,
          "anira/model-service:" + VERSION,
          "anira/model-service-gpu:" + VERSION,
          "anira/monitor:" + VERSION,
          "anira/stream-jobs:" + VERSION);

  static final ObjectMapper YAML = new YAMLMapper();

  private Deploy() {}

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  /** Runs a tool; fails with its output, or with how to install it when it is missing. */
  static String run(String... command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.directory(ROOT.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError(
          command[0]
              + " is needed for this check and is not installed (Debian: apt-get install kubectl"
              + " yamllint; .ci/run installs them)",
          e);
    }
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
      }
      assertThat(process.exitValue())
          .as("%s failed:%n%s", String.join(" ", command), output)
          .isZero();
      return output;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The documents of a multi-document YAML text, empty ones left out. */
  static List<ObjectNode> documents(String yaml) {
    List<ObjectNode> documents = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode node = it.next();
        if (node instanceof ObjectNode object) {
          documents.add(object);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("not valid YAML: " + e.getMessage(), e);
    }
    return documents;
  }

  /** yamllint with the repository's settings (.yamllint.yaml), on files or on stdin text. */
  static void yamllint(String... paths) {
    List<String> command = new ArrayList<>(List.of("yamllint", "--strict", "-c", ".yamllint.yaml"));
    command.addAll(List.of(paths));
    run(command.toArray(String[]::new));
  }
}
