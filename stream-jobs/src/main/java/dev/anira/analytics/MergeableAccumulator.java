package dev.anira.analytics;

import dev.anira.schemas.HaltingEvent;
import java.io.Serializable;
import java.util.List;

/**
 * Sufficient statistics of one analysis over a set of halting events: adding events one by one and
 * merging the accumulators of two disjoint sets give the same result, so windows, cumulative totals
 * and parallel instances can combine them in any order.
 *
 * @param <A> the accumulator's own type
 */
public interface MergeableAccumulator<A extends MergeableAccumulator<A>> extends Serializable {

  /** Adds one model's run of one instance: each of its answer tokens, in order. */
  void add(InstanceEvents instance);

  /** Adds one halting event, as a one-token {@link InstanceEvents}. */
  default void add(HaltingEvent event) {
    add(InstanceEvents.of(List.of(event)));
  }

  /** Adds {@code other}'s events to this one; returns this. */
  A merge(A other);
}
