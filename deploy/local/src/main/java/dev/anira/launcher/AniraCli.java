package dev.anira.launcher;

import dev.anira.cli.Commands;
import dev.anira.export.ExportCommand;
import dev.anira.modelservice.cli.EvalCommand;
import dev.anira.modelservice.cli.ServeCommand;
import dev.anira.modelservice.cli.TrainCommand;
import dev.anira.monitor.MonitorCommand;
import dev.anira.producer.ProduceCommand;
import dev.anira.report.ReportCommand;
import dev.anira.streamjobs.cli.AnalyzeCommand;
import dev.anira.streamjobs.cli.RecordCommand;
import dev.anira.streamjobs.cli.ReplayCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code anira} command: one entry point for every part of the stack on this machine. */
@Command(
    name = "anira",
    mixinStandardHelpOptions = true,
    versionProvider = AniraCli.Version.class,
    description = "Watch how recurrent Transformers spend compute, token by token, live.",
    subcommands = {
      DemoCommand.class,
      KafkaCommand.class,
      ProduceCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      ServeCommand.class,
      AnalyzeCommand.class,
      RecordCommand.class,
      ReplayCommand.class,
      ExportCommand.class,
      ReportCommand.class,
      MonitorCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AniraCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  public static void main(String[] args) {
    Commands.main(new AniraCli(), args);
  }

  /** The configured parser, shared by main and tests. */
  static CommandLine commandLine() {
    return Commands.commandLine(new AniraCli());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties props = new Properties();
      try (InputStream in = AniraCli.class.getResourceAsStream("/anira-version.properties")) {
        if (in != null) {
          props.load(in);
        }
      }
      return new String[] {
        "anira " + props.getProperty("version", "unknown"),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
