package dev.anira.report;

import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.Split;
import dev.anira.schemas.StepTracking;
import dev.anira.schemas.TimingReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper-style comparison, one row per model (task × mechanism): alignment of depth with
 * complexity, extrapolation, decision timing and online tracking, over every input size of each
 * split. Empty cells are undefined statistics (e.g. ρ when every depth is the same).
 */
final class KeyNumbers {

  static final List<String> HEADER =
      List.of(
          "task",
          "mechanism",
          "model",
          "tokens (train)",
          "accuracy train",
          "accuracy extrap.",
          "mean depth train",
          "mean depth extrap.",
          "ρ depth~complexity (correct, train)",
          "partial r (train)",
          "premature / on time / late (train)",
          "adj. R² static",
          "adj. R² algorithmic",
          "tracking AUC (mean over k)",
          "more compute, still wrong (extrap. sizes)");

  private KeyNumbers() {}

  /** One row of cells per model, in the order given. */
  static List<List<String>> rows(List<ModelAnalyses> models) {
    List<List<String>> rows = new ArrayList<>();
    for (ModelAnalyses m : models) {
      AlignmentReport train = m.alignment().get(Split.TRAIN);
      AlignmentReport extrapolation = m.alignment().get(Split.EXTRAPOLATION);
      TimingReport timing = m.timing().get(Split.TRAIN);
      rows.add(
          List.of(
              m.task(),
              m.mechanism().toString(),
              m.modelId(),
              train == null ? "" : String.format(Locale.ROOT, "%,d", train.getTokens()),
              train == null ? "" : percent(train.getAccuracy()),
              extrapolation == null ? "" : percent(extrapolation.getAccuracy()),
              train == null ? "" : number(train.getMeanDepth()),
              extrapolation == null ? "" : number(extrapolation.getMeanDepth()),
              train == null ? "" : number(train.getSpearmanCorrect()),
              train == null ? "" : number(train.getPartialPearsonCorrect()),
              train == null ? "" : lagShares(train),
              timing == null ? "" : number(timing.getAdjustedR2Static()),
              timing == null ? "" : number(timing.getAdjustedR2Algorithm()),
              timing == null ? "" : number(meanAuc(timing)),
              stillWrong(m)));
    }
    return rows;
  }

  /** The rows as a GitHub-flavoured Markdown table. */
  static String markdown(List<ModelAnalyses> models) {
    StringBuilder md = new StringBuilder();
    md.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    md.append("|").append(" --- |".repeat(HEADER.size())).append('\n');
    for (List<String> row : rows(models)) {
      md.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return md.toString();
  }

  private static String lagShares(AlignmentReport r) {
    double n = r.getTokens();
    return percent(r.getPremature() / n)
        + " / "
        + percent(r.getOnTime() / n)
        + " / "
        + percent(r.getLate() / n);
  }

  /** Mean AUC over the steps where it is defined; null if none. */
  static Double meanAuc(TimingReport t) {
    double sum = 0;
    int n = 0;
    for (StepTracking k : t.getTracking()) {
      if (k.getAuc() != null) {
        sum += k.getAuc();
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  private static String stillWrong(ModelAnalyses m) {
    List<String> sizes = new ArrayList<>();
    for (GeneralizationReport g : m.generalization()) {
      if (g.getMoreComputeStillWrong()) {
        sizes.add(Integer.toString(g.getSize()));
      }
    }
    return String.join(", ", sizes);
  }

  private static String percent(double x) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * x);
  }

  private static String number(Double x) {
    return x == null || x.isNaN() ? "" : String.format(Locale.ROOT, "%.3f", x);
  }
}
