package dev.anira.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;

/** Flink settings for a MiniCluster on this machine. */
public final class LocalFlink {

  private LocalFlink() {}

  /**
   * Every endpoint on loopback and the REST port picked freely, so a local job is never reachable
   * from the network and never collides with another (STACK.md).
   */
  public static Configuration configuration() {
    Configuration conf = new Configuration();
    for (String key :
        new String[] {
          "rest.bind-address",
          "rest.address",
          "jobmanager.bind-host",
          "jobmanager.rpc.address",
          "taskmanager.bind-host",
          "taskmanager.host",
          "taskmanager.data.bind-host"
        }) {
      conf.setString(key, "127.0.0.1");
    }
    conf.setString("rest.bind-port", "0");
    conf.setString("io.tmp.dirs", scratch().toString());
    JobRunner.forbidGenericTypes(conf);
    return conf;
  }

  private static Path scratch;

  /**
   * Flink's temporary files (its RPC jar alone is 21 MB per start) go to one directory per JVM,
   * removed when the JVM exits, instead of piling up in the system temp dir.
   */
  private static synchronized Path scratch() {
    if (scratch == null) {
      try {
        scratch = Files.createTempDirectory("anira-flink");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for Flink", e);
      }
      Path dir = scratch;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> FileUtils.deleteDirectoryQuietly(dir.toFile()), "anira-flink-tmp"));
    }
    return scratch;
  }
}
