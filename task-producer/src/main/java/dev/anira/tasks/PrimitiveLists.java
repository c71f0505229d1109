package dev.anira.tasks;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** Read-only list views over primitive arrays: records hold them without copying into boxes. */
final class PrimitiveLists {

  private PrimitiveLists() {}

  static List<Integer> ofInts(int[] values) {
    return new IntView(values);
  }

  static List<Double> ofDoubles(double[] values) {
    return new DoubleView(values);
  }

  private static final class IntView extends AbstractList<Integer> implements RandomAccess {
    private final int[] values;

    IntView(int[] values) {
      this.values = values;
    }

    @Override
    public Integer get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }

  private static final class DoubleView extends AbstractList<Double> implements RandomAccess {
    private final double[] values;

    DoubleView(double[] values) {
      this.values = values;
    }

    @Override
    public Double get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }
}
