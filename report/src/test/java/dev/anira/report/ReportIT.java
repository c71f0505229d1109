package dev.anira.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anira.jobs.Fixtures;
import dev.anira.recording.Recordings;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.Split;
import dev.anira.schemas.Topic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A recorded live run, analyzed with the defaults a user gets, then reported: the report's numbers
 * are the job's (its accumulators over the whole recording), and the HTML needs no network.
 */
class ReportIT {

  @Test
  void theReportHasTheJobsNumbersAndStandsAlone(@TempDir Path tmp) throws Exception {
    Path recording = Recordings.analyzed(Fixtures.data(5), tmp.resolve("recording"));
    Path out = tmp.resolve("report");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ReportCommand());
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    assertThat(cli.execute("--from", recording.toString(), "--out", out.toString()))
        .as("%s", err)
        .isZero();
    assertThat(err.toString()).contains("reading " + recording.resolve("analysis"));

    List<ModelAnalyses> models = ModelAnalyses.of(recording.resolve("analysis"), new ArrayList<>());
    assertThat(models).extracting(ModelAnalyses::task).containsExactly("addition", "parity");

    // Generalization per size: exactly the job's final cumulative reports.
    Map<String, GeneralizationReport> job =
        Recordings.finalCumulative(recording, Topic.GENERALIZATION);
    int sizes = 0;
    for (ModelAnalyses m : models) {
      for (GeneralizationReport mine : m.generalization()) {
        sizes++;
        GeneralizationReport theirs =
            job.get(m.modelId() + "|" + m.task() + "|" + mine.getSplit() + "|" + mine.getSize());
        assertThat(theirs).isNotNull();
        assertThat(mine.getInstances()).isEqualTo(theirs.getInstances());
        assertThat(mine.getTokens()).isEqualTo(theirs.getTokens());
        assertThat(mine.getAccuracy()).isEqualTo(theirs.getAccuracy());
        assertThat(mine.getInstanceAccuracy()).isEqualTo(theirs.getInstanceAccuracy());
        assertThat(mine.getMeanDepth()).isEqualTo(theirs.getMeanDepth());
      }
    }
    assertThat(sizes).isEqualTo(job.size());

    // Alignment over all sizes of a split: the job's size buckets, summed.
    Map<String, AlignmentReport> buckets = Recordings.finalCumulative(recording, Topic.ALIGNMENT);
    for (ModelAnalyses m : models) {
      AlignmentReport all = m.alignment().get(Split.TRAIN);
      String prefix = m.modelId() + "|" + m.task() + "|" + Split.TRAIN + "|";
      long tokens = 0;
      long correct = 0;
      double depth = 0;
      for (var e : buckets.entrySet()) {
        if (e.getKey().startsWith(prefix)) {
          tokens += e.getValue().getTokens();
          correct += e.getValue().getCorrectTokens();
          depth += e.getValue().getMeanDepth() * e.getValue().getTokens();
        }
      }
      assertThat(all.getTokens()).isEqualTo(tokens).isPositive();
      assertThat(all.getCorrectTokens()).isEqualTo(correct);
      assertThat(all.getMeanDepth()).isCloseTo(depth / tokens, within(1e-12));
    }

    String markdown = Files.readString(out.resolve("summary.md"));
    assertThat(markdown)
        .contains("| addition | ONLINE | m-online |")
        .contains("| parity | ONLINE | m-online |");
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html.split("<figure ", -1)).hasSize(1 + 2 * 4);
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("src=\"http")
        .doesNotContain("href=\"http");
    try (var figures = Files.list(out.resolve("figures"))) {
      assertThat(figures.map(f -> f.getFileName().toString()))
          .hasSize(8)
          .contains("parity-alignment.svg", "addition-generalization.svg");
    }
  }
}
