package dev.anira.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the report of a recording into a directory: {@code report.html} (one file, figures inlined
 * as SVG, no script and no network), {@code figures/<task>-<figure>.svg}, and {@code summary.md}
 * (the key numbers per task × mechanism).
 */
public final class RecordingReport {

  /** What was written: the files, and what the recording had damaged and skipped. */
  public record Written(Path html, Path markdown, List<Path> figures, int models) {}

  private RecordingReport() {}

  /**
   * @param recording the recording (or its analysis directory) holding {@code anira.halting}
   * @param out created if missing; files of an earlier report are replaced
   * @param problems receives the damaged parts of the recording that were skipped
   * @throws IllegalStateException if the recording holds no halting events
   * @throws IOException if the recording cannot be read or the files written
   */
  public static Written write(Path recording, Path out, List<String> problems) throws IOException {
    List<ModelAnalyses> models = ModelAnalyses.of(recording, problems);
    if (models.isEmpty()) {
      throw new IllegalStateException(
          "no halting events in "
              + recording
              + " (a recording of the raw topics needs 'anira analyze --from' first)");
    }
    Map<String, List<ModelAnalyses>> byTask = new TreeMap<>();
    models.forEach(m -> byTask.computeIfAbsent(m.task(), t -> new ArrayList<>()).add(m));
    Path figures = Files.createDirectories(out.resolve("figures"));
    List<Path> written = new ArrayList<>();
    StringBuilder sections = new StringBuilder();
    for (Map.Entry<String, List<ModelAnalyses>> task : byTask.entrySet()) {
      sections
          .append("<section id=\"task-")
          .append(escape(task.getKey()))
          .append("\"><h2>")
          .append(escape(task.getKey()))
          .append("</h2><div class=\"figures\">");
      for (Figures.Figure f : Figures.forTask(task.getKey(), task.getValue())) {
        Path file = figures.resolve(f.name() + ".svg");
        Files.writeString(
            file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + f.svg(), StandardCharsets.UTF_8);
        written.add(file);
        sections
            .append("<figure data-figure=\"")
            .append(escape(f.name()))
            .append("\" data-points=\"")
            .append(f.points())
            .append("\">")
            .append(f.svg())
            .append("<figcaption>")
            .append(escape(f.caption()))
            .append("</figcaption></figure>");
      }
      sections.append("</div></section>\n");
    }
    Path markdown = out.resolve("summary.md");
    Files.writeString(
        markdown,
        "# Halting report: " + recording.getFileName() + "\n\n" + KeyNumbers.markdown(models),
        StandardCharsets.UTF_8);
    Path html = out.resolve("report.html");
    Files.writeString(html, html(recording, models, sections), StandardCharsets.UTF_8);
    return new Written(html, markdown, written, models.size());
  }

  private static String html(Path recording, List<ModelAnalyses> models, StringBuilder sections) {
    StringBuilder table = new StringBuilder("<table id=\"key-numbers\"><thead><tr>");
    KeyNumbers.HEADER.forEach(h -> table.append("<th>").append(escape(h)).append("</th>"));
    table.append("</tr></thead><tbody>");
    for (List<String> row : KeyNumbers.rows(models)) {
      table.append("<tr>");
      row.forEach(c -> table.append("<td>").append(escape(c)).append("</td>"));
      table.append("</tr>");
    }
    table.append("</tbody></table>");
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>anira report: %1$s</title>
        <style>
        body { font: 14px/1.4 sans-serif; margin: 24px; color: #1d2330; }
        table { border-collapse: collapse; font-size: 12px; }
        th, td { border: 1px solid #ccd; padding: 3px 6px; text-align: right; }
        th { background: #eef; } td:nth-child(-n+3) { text-align: left; }
        .figures { display: flex; flex-wrap: wrap; gap: 12px; }
        figure { margin: 0; width: 560px; } figcaption { font-size: 12px; color: #555; }
        </style>
        </head>
        <body>
        <h1>anira report: %1$s</h1>
        <p>%2$d models, from the halting events of <code>%3$s</code>, written %4$s. Every number
        is computed with the analytics job's own accumulators over the whole recording (all
        windows, all input sizes of a split).</p>
        <h2>Key numbers per task and mechanism</h2>
        %5$s
        %6$s
        </body>
        </html>
        """
        .formatted(
            escape(recording.getFileName().toString()),
            models.size(),
            escape(recording.toAbsolutePath().toString()),
            Instant.now(),
            table,
            sections);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
