package dev.anira.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one way an anira command reports errors, whether it runs under {@code ./anira} or as a
 * container image's entry point: a wrong option is one line and where to look ({@code --help}, exit
 * 2); a failure at run time is one line of what went wrong, without a stack trace unless {@code
 * -Danira.debug=true} (exit 1).
 */
public final class Commands {

  private Commands() {}

  /** A command line for {@code command} with the shared error handling. */
  public static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(Commands::reportFailure);
    cli.setParameterExceptionHandler(Commands::reportBadInput);
    return cli;
  }

  /** Runs {@code command} on {@code args} as a process of its own and exits with its code. */
  public static void main(Object command, String[] args) {
    System.exit(commandLine(command).execute(args));
  }

  private static int reportBadInput(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println(cli.getColorScheme().errorText("anira: " + e.getMessage()));
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("See '" + cli.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }

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

  /** The message of {@code e} and of each cause that adds to it. */
  static String message(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
        text.append(": ").append(cause.getMessage());
      }
    }
    return text.toString();
  }
}
