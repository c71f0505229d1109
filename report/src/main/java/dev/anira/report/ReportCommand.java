package dev.anira.report;

import dev.anira.cli.Commands;
import dev.anira.recording.Recording;
import dev.anira.schemas.Topic;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code anira report}: the figures and key numbers of a recording, to share. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write a report of a recording's halting analyses: report.html (one self-contained file,"
          + " figures inlined, opens offline), the figures as SVG under figures/, and summary.md"
          + " (key numbers per task and mechanism: alignment, extrapolation, decision timing,"
          + " online tracking).",
      "A recording of the raw topics only is reported from its analysis (DIR/analysis, written"
          + " by 'anira analyze --from DIR').",
      "Example: anira report --from recordings/demo-20261130-1015 --out report/"
    })
public final class ReportCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "The recording.")
  Path from;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Where the report goes (created if missing; an earlier report is replaced).")
  Path out;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true"); // figures are drawn without a display
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path recording = Recording.holding(from, List.of(Topic.HALTING));
    err.printf("anira report: reading %s ...%n", recording);
    err.flush();
    List<String> problems = new ArrayList<>();
    RecordingReport.Written written = RecordingReport.write(recording, out, problems);
    problems.forEach(p -> err.println("skipped: " + p));
    stdout.printf(
        "%d models: %s, %s and %d figures under %s%n",
        written.models(),
        written.html(),
        written.markdown(),
        written.figures().size(),
        out.resolve("figures"));
    stdout.flush();
    return 0;
  }

  public static void main(String[] args) {
    Commands.main(new ReportCommand(), args);
  }
}
