package dev.anira.modelservice.cli;

import dev.anira.evaluation.Evaluation;
import dev.anira.training.Trainer;
import java.io.PrintStream;
import java.util.Map;

/**
 * Training progress on the terminal: one line redrawn in place on a console, a line every 10 s
 * otherwise (logs and CI).
 */
final class ProgressBar implements Trainer.Listener {

  private static final long QUIET_NANOS = 10_000_000_000L;
  private final PrintStream out;
  private final boolean interactive;
  private long lastPrinted;
  private double smoothedLoss = Double.NaN;
  private double smoothedAccuracy = Double.NaN;

  ProgressBar(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  @Override
  public void progress(Trainer.Progress p) {
    smoothedLoss = smooth(smoothedLoss, p.loss());
    smoothedAccuracy = smooth(smoothedAccuracy, p.accuracy());
    long now = System.nanoTime();
    boolean due = interactive ? now - lastPrinted > 200_000_000L : now - lastPrinted > QUIET_NANOS;
    if (!due && p.step() != p.steps()) {
      return;
    }
    lastPrinted = now;
    int width = 24;
    int filled = (int) ((long) width * p.step() / p.steps());
    String line =
        String.format(
            "[%s%s] %d/%d loss %.4f acc %.3f depth %.2f %,.0f tok/s ETA %s",
            "#".repeat(filled),
            ".".repeat(width - filled),
            p.step(),
            p.steps(),
            smoothedLoss,
            smoothedAccuracy,
            p.meanDepth(),
            p.tokensPerSecond(),
            duration(p.etaSeconds()));
    if (interactive) {
      out.print("\r" + line + "   ");
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public void evaluated(int step, Map<String, Evaluation> metrics) {
    StringBuilder s = new StringBuilder("eval @").append(step).append(':');
    metrics.forEach(
        (set, e) ->
            s.append(String.format(" %s acc %.3f depth %.2f", set, e.accuracy(), e.meanDepth())));
    if (interactive) {
      out.println();
    }
    out.println(s);
  }

  void finish() {
    if (interactive) {
      out.println();
    }
  }

  private static double smooth(double previous, double value) {
    return Double.isNaN(previous) ? value : 0.9 * previous + 0.1 * value;
  }

  private static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }
}
