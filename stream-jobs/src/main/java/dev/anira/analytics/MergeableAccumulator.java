package dev.anira.analytics;

import dev.anira.schemas.HaltingEvent;
import java.io.Serializable;

/**
 * Sufficient statistics of one analysis over a set of halting events: adding events one by one and
 * merging the accumulators of two disjoint sets give the same result, so windows, cumulative totals
 * and parallel instances can combine them in any order.
 *
 * @param <A> the accumulator's own type
 */
public interface MergeableAccumulator<A extends MergeableAccumulator<A>> extends Serializable {

  void add(HaltingEvent event);

  /** Adds {@code other}'s events to this one; returns this. */
  A merge(A other);
}
