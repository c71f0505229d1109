package dev.anira.schemas;

import org.apache.avro.specific.SpecificRecordBase;

/**
 * Every Kafka topic of the pipeline, the one record type it carries and its default partition
 * count. Services take topic names from here so that a rename happens in one place.
 */
public enum Topic {
  TASKS("anira.tasks", 4, ProblemInstance.class),
  TRACES("anira.traces", 4, AlgorithmTrace.class),
  // Steps are the widest stream (one record per instance per recurrence step).
  STEPS("anira.steps", 8, RecurrenceStep.class),
  RESULTS("anira.results", 4, InstanceResult.class),
  HALTING("anira.halting", 4, HaltingEvent.class),
  ALIGNMENT("anira.alignment", 1, AlignmentReport.class),
  TIMING("anira.timing", 1, TimingReport.class),
  GENERALIZATION("anira.generalization", 1, GeneralizationReport.class),
  ALERTS("anira.alerts", 1, Alert.class),
  DEAD_LETTERS("anira.dlq", 1, DeadLetter.class);

  private final String topicName;
  private final int defaultPartitions;
  private final Class<? extends SpecificRecordBase> recordType;

  Topic(String topicName, int defaultPartitions, Class<? extends SpecificRecordBase> recordType) {
    this.topicName = topicName;
    this.defaultPartitions = defaultPartitions;
    this.recordType = recordType;
  }

  public String topicName() {
    return topicName;
  }

  public int defaultPartitions() {
    return defaultPartitions;
  }

  public Class<? extends SpecificRecordBase> recordType() {
    return recordType;
  }

  /** The topic with this Kafka name. */
  public static Topic byName(String topicName) {
    for (Topic topic : values()) {
      if (topic.topicName.equals(topicName)) {
        return topic;
      }
    }
    throw new IllegalArgumentException("Unknown topic '" + topicName + "'");
  }
}
