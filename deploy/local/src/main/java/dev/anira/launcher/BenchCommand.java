package dev.anira.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code anira bench}: the harness for each part's benchmarks. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks, measured side by side in one run; --json for scripts.",
    subcommands = {ServiceBenchCommand.class, AnalyticsBenchCommand.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing benchmark: anira bench service or anira bench analytics");
  }
}
