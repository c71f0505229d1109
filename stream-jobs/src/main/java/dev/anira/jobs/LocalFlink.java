package dev.anira.jobs;

import org.apache.flink.configuration.Configuration;

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
    return conf;
  }
}
