package dev.anira.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  /**
   * 24,600 instances behind at 300/s (the 5-minute demo that did not hold on 2 cores) is 82 s, past
   * the 60 s join timeout: said, with what to do. 5,675 behind at 200/s (19 s, a run that held) is
   * not.
   */
  @Test
  void aModelServiceFurtherBehindThanTheJoinTimeoutIsWarnedAbout() {
    Duration joinTimeout = Duration.ofSeconds(60);

    assertThat(DemoCommand.serviceBehindWarning(24_600, 300, joinTimeout))
        .contains("about 82 s behind")
        .contains("60s join timeout")
        .contains("UNMATCHED")
        .contains("--rate 300;");
    assertThat(DemoCommand.serviceBehindWarning(5_675, 200, joinTimeout)).isNull();
    assertThat(DemoCommand.serviceBehindWarning(12_000, 200, joinTimeout)).isNull();
    assertThat(DemoCommand.serviceBehindWarning(50, 0.5, joinTimeout))
        .contains("about 100 s")
        .contains("--rate 0.5;");
  }
}
