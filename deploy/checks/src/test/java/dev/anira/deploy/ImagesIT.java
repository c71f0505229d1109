package dev.anira.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The image tars that -Pimages built (each module's target/image/NAME.tar): tagged as the manifests
 * expect, non-root, and each service image really starts: its layers are unpacked and its entry
 * point runs {@code --help} in a chroot, as the container runtime would run it.
 */
class ImagesIT {

  @ParameterizedTest
  @CsvSource({
    "task-producer, task-producer, dev.anira.producer.ProduceCommand",
    "model-service, model-service, dev.anira.modelservice.cli.ServeCommand",
    "monitor, monitor, dev.anira.monitor.MonitorCommand"
  })
  void serviceImageStartsAsNonRoot(String module, String name, String mainClass, @TempDir Path tmp)
      throws IOException {
    Image image = Image.unpack(Deploy.path(module + "/target/image/" + name + ".tar"), tmp);
    assertThat(image.tag()).isEqualTo("anira/" + name + ":" + Deploy.VERSION).isIn(Deploy.IMAGES);
    JsonNode config = image.config().get("config");
    assertThat(config.get("User").asText()).isEqualTo("10001:10001");
    List<String> entrypoint = new ArrayList<>();
    config.get("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    assertThat(entrypoint).contains(mainClass);
    List<String> env = new ArrayList<>();
    config.get("Env").forEach(e -> env.add(e.asText()));
    // The service JVMs get what ./anira gives them (deploy/runtime.env: the allocator settings),
    // and preload deploy/mkl-cpu-dispatch before the allocator, as ./anira does on AMD CPUs.
    List<String> runtime = runtimeEnvironment();
    assertThat(env)
        .containsAll(runtime.stream().filter(line -> !line.startsWith("LD_PRELOAD=")).toList());
    String allocator =
        runtime.stream().filter(line -> line.startsWith("LD_PRELOAD=")).findFirst().orElseThrow();
    String preload =
        allocator.replace("LD_PRELOAD=", "LD_PRELOAD=/usr/lib/anira/libmkl_cpu_dispatch.so ");
    assertThat(env).contains(preload);
    // Each library it preloads is in the image.
    List<String> preloaded = List.of(preload.substring("LD_PRELOAD=".length()).split(" "));
    for (String library : preloaded) {
      assertThat(image.root().resolve(library.substring(1))).isRegularFile();
    }

    List<String> command = new ArrayList<>();
    boolean root = new UnixSystem().getUid() == 0;
    // A private /proc for the chroot: the JVM finds its own libraries through /proc/self/exe.
    command.addAll(List.of("unshare", "--mount", "--pid", "--fork"));
    if (!root) {
      command.add("--map-root-user");
    }
    command.add("--mount-proc=" + Files.createDirectories(image.root().resolve("proc")));
    command.addAll(List.of("env", "-i"));
    config.get("Env").forEach(e -> command.add(e.asText()));
    command.add(Files.exists(Path.of("/usr/sbin/chroot")) ? "/usr/sbin/chroot" : "chroot");
    if (root) {
      command.add("--userspec=10001:10001");
    }
    command.add(image.root().toString());
    command.addAll(entrypoint);
    command.add("--help");
    String output = Deploy.run(command.toArray(String[]::new));
    assertThat(output).contains("Usage: ").doesNotContain("Exception");
    // ld.so's warning when a preloaded library or one it needs cannot be loaded in the image. The
    // host's chroot starts with the same LD_PRELOAD, so a library the host lacks is warned about
    // once by the host; a second warning comes from the image's JVM.
    for (String library : preloaded) {
      String warning = "'" + library + "' from LD_PRELOAD cannot be preloaded";
      long fromHost = Files.exists(Path.of(library)) ? 0 : 1;
      assertThat(Pattern.compile(Pattern.quote(warning)).matcher(output).results().count())
          .as("ld.so warnings for %s", library)
          .isEqualTo(fromHost);
    }
  }

  @Test
  void jobImageHoldsTheJobJarWhereTheFlinkDeploymentLooks(@TempDir Path tmp) throws IOException {
    Image image = Image.unpack(Deploy.path("stream-jobs/target/image/stream-jobs.tar"), tmp);
    assertThat(image.tag()).isEqualTo("anira/stream-jobs:" + Deploy.VERSION);
    assertThat(image.config().at("/config/User").asText()).isEqualTo("flink");
    Path jar = image.root().resolve("opt/flink/usrlib/anira-stream-jobs.jar");
    try (JarFile job = new JarFile(jar.toFile())) {
      assertThat(job.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.anira.streamjobs.cli.AnalyzeCommand");
      // Flink comes from the base image; a second copy in the jar would clash with it.
      assertThat(job.getEntry("org/apache/flink/streaming/api/datastream/DataStream.class"))
          .isNull();
    }
    try (var files = Files.list(image.root())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsOnly("opt");
    }
  }

  /** The KEY=VALUE lines of deploy/runtime.env. */
  private static List<String> runtimeEnvironment() throws IOException {
    return Files.readAllLines(Deploy.path("deploy/runtime.env")).stream()
        .filter(line -> line.matches("[A-Z_]+=.*"))
        .toList();
  }

  /** An image tar in the docker-save layout Jib writes, its layers unpacked in order. */
  private record Image(String tag, JsonNode config, Path root) {

    static Image unpack(Path tar, Path dir) throws IOException {
      assertThat(tar).as("built by mvn -Pimages").exists();
      Path layout = Files.createDirectories(dir.resolve("layout"));
      Deploy.run("tar", "-xf", tar.toString(), "-C", layout.toString());
      JsonNode manifest = Deploy.YAML.readTree(layout.resolve("manifest.json").toFile()).get(0);
      Path root = Files.createDirectories(dir.resolve("root"));
      for (JsonNode layer : manifest.get("Layers")) {
        Deploy.run(
            "tar",
            "--warning=no-unknown-keyword",
            "-xzf",
            layout.resolve(layer.asText()).toString(),
            "-C",
            root.toString());
      }
      return new Image(
          manifest.get("RepoTags").get(0).asText(),
          Deploy.YAML.readTree(layout.resolve(manifest.get("Config").asText()).toFile()),
          root);
    }
  }
}
