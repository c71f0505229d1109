package dev.anira.recording;

import dev.anira.jobs.RawRecord;
import dev.anira.schemas.Topic;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.io.DefaultInputSplitAssigner;
import org.apache.flink.api.common.io.InputFormat;
import org.apache.flink.api.common.io.statistics.BaseStatistics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.InputSplit;
import org.apache.flink.core.io.InputSplitAssigner;

/**
 * A recording as a bounded Flink input: one split per file, each record as the {@link RawRecord} it
 * was on Kafka, so a job reads a recording exactly as it reads the live topics. Damaged data is
 * reported and skipped by {@link RecordingFile}.
 */
public final class RecordingInputFormat
    implements InputFormat<RawRecord, RecordingInputFormat.Split> {

  private static final long serialVersionUID = 1L;

  /** One file of the recording. */
  public record Split(int number, String topic, String path) implements InputSplit {
    @Override
    public int getSplitNumber() {
      return number;
    }
  }

  private final String dir;
  private final List<Topic> topics;
  private transient RecordingFile file;
  private transient RecordedRecord next;

  public RecordingInputFormat(String dir, List<Topic> topics) {
    this.dir = dir;
    this.topics = List.copyOf(topics);
  }

  @Override
  public void configure(Configuration parameters) {}

  @Override
  public BaseStatistics getStatistics(BaseStatistics cached) {
    return cached;
  }

  @Override
  public Split[] createInputSplits(int minNumSplits) throws IOException {
    List<Recording.File> files = Recording.files(new Path(dir), topics);
    Split[] splits = new Split[files.size()];
    for (int i = 0; i < splits.length; i++) {
      Recording.File f = files.get(i);
      splits[i] = new Split(i, f.topic().topicName(), f.path().toString());
    }
    return splits;
  }

  @Override
  public InputSplitAssigner getInputSplitAssigner(Split[] splits) {
    return new DefaultInputSplitAssigner(splits);
  }

  @Override
  public void open(Split split) throws IOException {
    file = RecordingFile.open(new Path(split.path()), split.topic(), new ArrayList<>());
    next = file == null ? null : file.next();
  }

  @Override
  public boolean reachedEnd() {
    return next == null;
  }

  @Override
  public RawRecord nextRecord(RawRecord reuse) throws IOException {
    RecordedRecord current = next;
    next = file.next();
    return new RawRecord(current.topic(), -1, -1, current.key(), current.value());
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      file.close();
      file = null;
    }
  }
}
