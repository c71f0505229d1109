package dev.anira.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  @Test
  void servesAFreshScrapeOnEveryRequestAndRefusesATakenPort() throws Exception {
    AtomicInteger n = new AtomicInteger();
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.serve("127.0.0.1", 0, () -> "x_total " + n.incrementAndGet() + "\n")) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest get = HttpRequest.newBuilder(URI.create(endpoint.url())).build();
      HttpResponse<String> first = http.send(get, HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
      assertThat(first.body()).isEqualTo("x_total 1\n");
      assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).body())
          .isEqualTo("x_total 2\n");
      assertThatThrownBy(() -> MetricsEndpoint.serve("127.0.0.1", endpoint.port(), () -> ""))
          .isInstanceOf(IOException.class);
    }
  }
}
