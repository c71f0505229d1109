package dev.anira.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TopicTest {

  @Test
  void namesAndRecordTypesAreUnique() {
    assertThat(Arrays.stream(Topic.values()).map(Topic::topicName)).doesNotHaveDuplicates();
    assertThat(Arrays.stream(Topic.values()).map(Topic::recordType)).doesNotHaveDuplicates();
    assertThat(Arrays.stream(Topic.values()).map(Topic::topicName))
        .allMatch(n -> n.startsWith("anira."));
  }

  @Test
  void lookupByNameFindsEveryTopicAndRejectsOthers() {
    for (Topic topic : Topic.values()) {
      assertThat(Topic.byName(topic.topicName())).isSameAs(topic);
    }
    assertThatThrownBy(() -> Topic.byName("anira.nope")).hasMessageContaining("anira.nope");
  }
}
