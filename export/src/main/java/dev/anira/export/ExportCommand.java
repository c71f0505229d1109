package dev.anira.export;

import dev.anira.cli.Commands;
import dev.anira.recording.Recording;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code anira export}: a recording's halting events and reports for the tools researchers use. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write a recording's halting events and reports (anira.halting, anira.alignment, anira.timing,"
          + " anira.generalization, anira.alerts) as Parquet files, one per topic, rows in"
          + " event-time order; pandas, polars and DuckDB read them as they are.",
      "A recording of the raw topics only is exported from its analysis (DIR/analysis, written by"
          + " 'anira analyze --from DIR').",
      "Example: anira export --from recordings/demo-20261130-1015 --parquet exported/"
    })
public final class ExportCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "The recording.")
  Path from;

  @Option(
      names = "--parquet",
      required = true,
      paramLabel = "DIR",
      description = "Where the Parquet files go (created if missing; earlier exports replaced).")
  Path parquet;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path recording = Recording.holding(from, ParquetExport.TOPICS);
    if (!recording.equals(from)) {
      err.printf("anira export: %s holds no analysis outputs; exporting %s%n", from, recording);
    }
    boolean console = System.console() != null;
    ParquetExport.Result result =
        ParquetExport.export(
            recording,
            parquet,
            rows -> {
              if (console) {
                err.printf(Locale.ROOT, "\rexporting ... %,d rows", rows);
                err.flush();
              }
            });
    if (console) {
      err.println();
    }
    result.problems().forEach(p -> err.println("skipped: " + p));
    if (result.rows().isEmpty()) {
      throw new IllegalStateException(
          "no halting events or reports in "
              + recording
              + " (a recording of the raw topics needs 'anira analyze --from "
              + from
              + "' first)");
    }
    result
        .rows()
        .forEach(
            (topic, rows) ->
                out.printf(
                    Locale.ROOT, "%-28s %,10d rows%n", ParquetExport.file(parquet, topic), rows));
    out.flush();
    return 0;
  }

  public static void main(String[] args) {
    Commands.main(new ExportCommand(), args);
  }
}
