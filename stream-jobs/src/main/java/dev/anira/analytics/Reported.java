package dev.anira.analytics;

/** How statistics enter reports: an undefined value (NaN, e.g. ρ of a constant) becomes null. */
final class Reported {

  private Reported() {}

  static Double orNull(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
