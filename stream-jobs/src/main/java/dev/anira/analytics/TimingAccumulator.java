package dev.anira.analytics;

import dev.anira.schemas.NamedValue;
import dev.anira.schemas.TimingReport;
import java.util.ArrayList;
import java.util.List;

/**
 * Decision timing (docs/design.md §5): OLS of depth on the static features (R²_static), on the
 * trace's depth-free algorithmic features (R²_algo) and on both (R²_full), each with its adjusted
 * R² and regressor count, the unique and shared shares, each feature's unique share of R²_full, and
 * online tracking ({@link TrackingAccumulator}). Three {@link OlsAccumulator}s, so it is exact and
 * mergeable like them. Feature names are taken from the first instance; every instance of a key
 * (one task) has the same ones.
 *
 * <p>State of a running job: public fields and a no-argument constructor make it a Flink POJO,
 * whose serializer lets a later release add or remove a field and still restore a savepoint (schema
 * evolution; no Kryo). Maps are declared as {@code Map} so Flink's own map serializer applies; they
 * come back as hash maps, so anything ordered iterates them sorted.
 */
public final class TimingAccumulator implements MergeableAccumulator<TimingAccumulator> {

  private static final long serialVersionUID = 1L;

  public List<String> staticNames;
  public List<String> algorithmNames;
  public OlsAccumulator staticFit;
  public OlsAccumulator algorithmFit;
  public OlsAccumulator fullFit;
  public TrackingAccumulator tracking = new TrackingAccumulator();
  public long tokens;

  public void add(InstanceEvents x) {
    if (staticNames == null) {
      staticNames = List.of(x.staticNames);
      algorithmNames = List.of(x.algorithmNames);
      staticFit = new OlsAccumulator(x.staticNames.length);
      algorithmFit = new OlsAccumulator(x.algorithmNames.length);
      fullFit = new OlsAccumulator(x.staticNames.length + x.algorithmNames.length);
    } else if (!staticNames.equals(List.of(x.staticNames))
        || !algorithmNames.equals(List.of(x.algorithmNames))) {
      throw new IllegalArgumentException(
          x.instanceId + ": features differ from the others of " + x.task);
    }
    for (int i = 0; i < x.tokens(); i++) {
      double[] s = x.staticValues[i];
      double[] a = x.algorithmValues[i];
      double[] both = new double[s.length + a.length];
      System.arraycopy(s, 0, both, 0, s.length);
      System.arraycopy(a, 0, both, s.length, a.length);
      staticFit.add(s, x.depth[i]);
      algorithmFit.add(a, x.depth[i]);
      fullFit.add(both, x.depth[i]);
      tokens++;
    }
    tracking.add(x);
  }

  public TimingAccumulator merge(TimingAccumulator other) {
    if (other.staticNames == null) {
      return this;
    }
    if (staticNames == null) {
      staticNames = other.staticNames;
      algorithmNames = other.algorithmNames;
      staticFit = new OlsAccumulator(staticNames.size());
      algorithmFit = new OlsAccumulator(algorithmNames.size());
      fullFit = new OlsAccumulator(staticNames.size() + algorithmNames.size());
    }
    staticFit.merge(other.staticFit);
    algorithmFit.merge(other.algorithmFit);
    fullFit.merge(other.fullFit);
    tracking.merge(other.tracking);
    tokens += other.tokens;
    return this;
  }

  public long tokens() {
    return tokens;
  }

  /** Fills the statistics of a report builder (key and window are the caller's). */
  public TimingReport.Builder fill(TimingReport.Builder report) {
    Double r2Static = Reported.orNull(staticFit == null ? Double.NaN : staticFit.rSquared());
    Double r2Algorithm =
        Reported.orNull(algorithmFit == null ? Double.NaN : algorithmFit.rSquared());
    Double r2Full = Reported.orNull(fullFit == null ? Double.NaN : fullFit.rSquared());
    boolean all = r2Static != null && r2Algorithm != null && r2Full != null;
    List<NamedValue> uniqueShares = new ArrayList<>();
    if (r2Full != null) {
      List<String> features = new ArrayList<>(staticNames);
      features.addAll(algorithmNames);
      for (int j = 0; j < features.size(); j++) {
        uniqueShares.add(new NamedValue(features.get(j), r2Full - fullFit.rSquaredWithout(j)));
      }
    }
    return report
        .setTokens(tokens)
        .setStaticFeatureNames(staticNames == null ? List.of() : staticNames)
        .setAlgorithmFeatureNames(algorithmNames == null ? List.of() : algorithmNames)
        .setR2Static(r2Static)
        .setR2Algorithm(r2Algorithm)
        .setR2Full(r2Full)
        .setUniqueStatic(all ? r2Full - r2Algorithm : null)
        .setUniqueAlgorithm(all ? r2Full - r2Static : null)
        .setShared(all ? r2Static + r2Algorithm - r2Full : null)
        .setAdjustedR2Static(adjusted(staticFit))
        .setAdjustedR2Algorithm(adjusted(algorithmFit))
        .setAdjustedR2Full(adjusted(fullFit))
        .setRegressorsStatic(staticFit == null ? 0 : staticFit.regressors())
        .setRegressorsAlgorithm(algorithmFit == null ? 0 : algorithmFit.regressors())
        .setRegressorsFull(fullFit == null ? 0 : fullFit.regressors())
        .setFeatureUniqueShares(uniqueShares)
        .setTracking(tracking.report());
  }

  private static Double adjusted(OlsAccumulator fit) {
    return Reported.orNull(fit == null ? Double.NaN : fit.adjustedRSquared());
  }
}
