package dev.anira.analytics;

import dev.anira.schemas.Alert;
import dev.anira.schemas.AlertKind;
import dev.anira.schemas.AlignmentReport;
import dev.anira.schemas.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Alerts (docs/design.md §5) from one key's window alignment reports, in window order: alignment
 * (Spearman ρ over correct tokens) or accuracy below baseline − drop for K windows in a row, and a
 * premature-halt share above baseline + spike in any window. A baseline is the configured value or,
 * when none is configured, the mean over the key's first windows. Windows with fewer tokens than
 * {@code minTokens} are too noisy to judge and are skipped. The streaming job and the batch oracle
 * both feed reports through {@link #observe}, so they raise the same alerts.
 *
 * <p>State of a running job: public fields and a no-argument constructor make it a Flink POJO,
 * whose serializer lets a later release add or remove a field and still restore a savepoint (schema
 * evolution; no Kryo). Maps are declared as {@code Map} so Flink's own map serializer applies; they
 * come back as hash maps, so anything ordered iterates them sorted.
 */
public final class AlertRules implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Thresholds; a null baseline is learned from the first {@code baselineWindows} windows. */
  public record Config(
      int baselineWindows,
      int consecutiveWindows,
      long minTokens,
      Double spearmanBaseline,
      double spearmanDrop,
      Double accuracyBaseline,
      double accuracyDrop,
      Double prematureBaseline,
      double prematureSpike)
      implements Serializable {

    // The defaults, stated once: the command-line options show and use these strings, and
    // defaults() parses them. Baselines are learned by default.
    public static final String DEFAULT_BASELINE_WINDOWS = "3";
    public static final String DEFAULT_CONSECUTIVE_WINDOWS = "3";
    public static final String DEFAULT_MIN_TOKENS = "20";
    public static final String DEFAULT_SPEARMAN_DROP = "0.2";
    public static final String DEFAULT_ACCURACY_DROP = "0.1";
    public static final String DEFAULT_PREMATURE_SPIKE = "0.2";

    public static Config defaults() {
      return new Config(
          Integer.parseInt(DEFAULT_BASELINE_WINDOWS),
          Integer.parseInt(DEFAULT_CONSECUTIVE_WINDOWS),
          Long.parseLong(DEFAULT_MIN_TOKENS),
          null,
          Double.parseDouble(DEFAULT_SPEARMAN_DROP),
          null,
          Double.parseDouble(DEFAULT_ACCURACY_DROP),
          null,
          Double.parseDouble(DEFAULT_PREMATURE_SPIKE));
    }

    public Config {
      if (baselineWindows < 1 || consecutiveWindows < 1 || minTokens < 1) {
        throw new IllegalArgumentException(
            "baseline windows, consecutive windows and min tokens must be at least 1");
      }
      if (spearmanDrop <= 0 || accuracyDrop <= 0 || prematureSpike <= 0) {
        throw new IllegalArgumentException("drops and spike must be positive");
      }
    }
  }

  /** One monitored metric of one key: its baseline (learning or fixed) and current streak. */
  public static final class Metric implements Serializable {
    private static final long serialVersionUID = 1L;
    public double learnedSum;
    public int learned;
    public int streak;

    Double baseline(Double configured, int windows) {
      if (configured != null) {
        return configured;
      }
      return learned < windows ? null : learnedSum / learned;
    }
  }

  public Config config;
  public Metric spearman = new Metric();
  public Metric accuracy = new Metric();
  public Metric premature = new Metric();

  /** Consecutive windows in which one depth took more than {@link #COLLAPSED} of the tokens. */
  public int collapsedWindows;

  /** The share of tokens at one depth above which the depth distribution has collapsed. */
  public static final double COLLAPSED = 0.9;

  /** For Flink's POJO serializer, which sets every field after. */
  public AlertRules() {}

  public AlertRules(Config config) {
    this.config = config;
  }

  /** The alerts this window raises; call once per window report of the key, in window order. */
  public List<Alert> observe(AlignmentReport window, String producerId) {
    List<Alert> alerts = new ArrayList<>();
    if (window.getTokens() < config.minTokens()) {
      return alerts;
    }
    drift(
        window,
        AlertKind.ALIGNMENT_DRIFT,
        "spearmanCorrect",
        window.getSpearmanCorrect(),
        spearman,
        config.spearmanBaseline(),
        config.spearmanDrop(),
        producerId,
        alerts);
    drift(
        window,
        AlertKind.ACCURACY_DRIFT,
        "accuracy",
        window.getAccuracy(),
        accuracy,
        config.accuracyBaseline(),
        config.accuracyDrop(),
        producerId,
        alerts);
    double share = (double) window.getPremature() / window.getTokens();
    Double baseline = premature.baseline(config.prematureBaseline(), config.baselineWindows());
    if (baseline == null) {
      premature.learnedSum += share;
      premature.learned++;
    } else if (share > baseline + config.prematureSpike()) {
      boolean critical = share > baseline + 2 * config.prematureSpike();
      alerts.add(
          alert(
              window,
              AlertKind.PREMATURE_HALT_SPIKE,
              critical,
              "prematureShare",
              share,
              baseline,
              baseline + config.prematureSpike(),
              String.format(
                  Locale.ROOT,
                  "%.0f%% of tokens halted before the algorithm resolved them (baseline %.0f%%)",
                  100 * share,
                  100 * baseline),
              producerId));
    }
    collapse(window, producerId, alerts);
    return alerts;
  }

  /**
   * One depth taking more than 90% of the tokens for {@code --alert-windows} windows in a row: a
   * router or halting head that no longer spreads compute (issue 22). Raised once per episode, when
   * the streak reaches the count; a window below 90% ends the episode.
   */
  private void collapse(AlignmentReport window, String producerId, List<Alert> alerts) {
    long top = 0;
    int depth = 0;
    for (var bin : window.getDepthHistogram()) {
      if (bin.getCount() > top) {
        top = bin.getCount();
        depth = bin.getLag();
      }
    }
    double share = (double) top / window.getTokens();
    if (share <= COLLAPSED) {
      collapsedWindows = 0;
      return;
    }
    collapsedWindows++;
    if (collapsedWindows == config.consecutiveWindows()) {
      alerts.add(
          alert(
              window,
              AlertKind.DEPTH_COLLAPSE,
              false,
              "dominantDepthShare",
              share,
              COLLAPSED,
              COLLAPSED,
              String.format(
                  Locale.ROOT,
                  "depth %d took %.0f%% of tokens for %d windows: the halting mechanism no longer"
                      + " spreads compute",
                  depth,
                  100 * share,
                  config.consecutiveWindows()),
              producerId));
    }
  }

  private void drift(
      AlignmentReport window,
      AlertKind kind,
      String name,
      Double value,
      Metric metric,
      Double configured,
      double drop,
      String producerId,
      List<Alert> alerts) {
    if (value == null) {
      return;
    }
    Double baseline = metric.baseline(configured, config.baselineWindows());
    if (baseline == null) {
      metric.learnedSum += value;
      metric.learned++;
      return;
    }
    if (value >= baseline - drop) {
      metric.streak = 0;
      return;
    }
    metric.streak++;
    if (metric.streak == config.consecutiveWindows()) {
      metric.streak = 0;
      alerts.add(
          alert(
              window,
              kind,
              value < baseline - 2 * drop,
              name,
              value,
              baseline,
              baseline - drop,
              String.format(
                  Locale.ROOT,
                  "%s %.3f below %.3f (baseline %.3f) for %d windows",
                  name,
                  value,
                  baseline - drop,
                  baseline,
                  config.consecutiveWindows()),
              producerId));
    }
  }

  private static Alert alert(
      AlignmentReport w,
      AlertKind kind,
      boolean critical,
      String metric,
      double observed,
      double baseline,
      double threshold,
      String message,
      String producerId) {
    String where =
        w.getModelId()
            + "/"
            + w.getMechanism()
            + "/"
            + w.getTask()
            + "/"
            + w.getSizeBucket()
            + "/"
            + w.getSplit();
    return Alert.newBuilder()
        // Deterministic, so a replay raises the same alert ids as the live run.
        .setAlertId(where + "/" + kind + "/" + w.getWindowEnd().toEpochMilli())
        .setKind(kind)
        .setSeverity(critical ? Severity.CRITICAL : Severity.WARNING)
        .setModelId(w.getModelId())
        .setMechanism(w.getMechanism())
        .setTask(w.getTask())
        .setMetric(metric)
        .setObserved(observed)
        .setBaseline(baseline)
        .setThreshold(threshold)
        .setWindowStart(w.getWindowStart())
        .setWindowEnd(w.getWindowEnd())
        .setMessage(where + ": " + message)
        .setEventTime(w.getWindowEnd())
        .setProducerId(producerId)
        .build();
  }
}
