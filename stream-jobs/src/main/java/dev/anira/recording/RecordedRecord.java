package dev.anira.recording;

/**
 * One record read back from a recording: its topic, event time, Kafka key (see {@link
 * dev.anira.jobs.KafkaIO#keyOf}) and the record as it travelled on Kafka (Avro single-object
 * encoding under the schema it was written with).
 */
public record RecordedRecord(String topic, long eventTime, byte[] key, byte[] value) {}
