package dev.anira.launcher;

import dev.anira.modelservice.cli.EvalCommand;
import dev.anira.streamjobs.cli.AnalyzeCommand;
import dev.anira.monitor.MonitorCommand;
import dev.anira.producer.ProduceCommand;
import dev.anira.streamjobs.cli.RecordCommand;
import dev.anira.streamjobs.cli.ReplayCommand;
import dev.anira.modelservice.cli.ServeCommand;
import dev.anira.modelservice.cli.TrainCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
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
    System.exit(commandLine().execute(args));
  }

  /** The configured parser, shared by main and tests. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new AniraCli());
    cli.setExecutionExceptionHandler(AniraCli::reportFailure);
    cli.setParameterExceptionHandler(AniraCli::reportBadInput);
    return cli;
  }

  /** A wrong option: the message and where to look, not the whole manual. */
  private static int reportBadInput(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println(cli.getColorScheme().errorText("anira: " + e.getMessage()));
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("See '" + cli.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Failures at run time are the user's to fix: say what went wrong, without a stack trace. */
  private static int reportFailure(
      Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
    PrintWriter err = cli.getErr();
    err.println(
        cli.getColorScheme().errorText("anira " + cli.getCommandName() + ": " + message(e)));
    if (Boolean.getBoolean("anira.debug")) {
      e.printStackTrace(err);
    } else {
      err.println("(run with ANIRA_JAVA_OPTS=-Danira.debug=true for the stack trace)");
    }
    err.flush();
    return 1;
  }

  private static String message(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
        text.append(": ").append(cause.getMessage());
      }
    }
    return text.toString();
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
