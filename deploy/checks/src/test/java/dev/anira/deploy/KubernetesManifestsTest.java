package dev.anira.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay renders with kustomize, lints clean, and every resource is what its API accepts:
 * custom resources against the operators' own CRD schemas (with undeclared fields, which the API
 * server would silently drop, reported), core kinds through fabric8's model. Then the promises of
 * the deployment: our images, non-root, probes, requests, no secrets, a GPU only where asked.
 */
class KubernetesManifestsTest {

  /** The custom resources we use, by apiVersion/kind, and the CRD that defines each. */
  private static final Map<String, String> CRDS =
      Map.of(
          "kafka.strimzi.io/v1/Kafka", "strimzi-040-Crd-kafka.yaml",
          "kafka.strimzi.io/v1/KafkaTopic", "strimzi-043-Crd-kafkatopic.yaml",
          "kafka.strimzi.io/v1/KafkaNodePool", "strimzi-045-Crd-kafkanodepool.yaml",
          "flink.apache.org/v1beta1/FlinkDeployment", "flinkdeployments.flink.apache.org-v1.yml");

  private static final Map<String, Class<? extends KubernetesResource>> CORE =
      Map.of(
          "v1/Namespace", Namespace.class,
          "v1/Service", Service.class,
          "v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class,
          "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
          "apps/v1/Deployment", Deployment.class);

  /** Prometheus Operator kinds (no CRD vendored): the fields a scrape needs. */
  private static final Map<String, List<String>> MONITORS =
      Map.of(
          "monitoring.coreos.com/v1/PodMonitor", List.of("selector", "podMetricsEndpoints"),
          "monitoring.coreos.com/v1/ServiceMonitor", List.of("selector", "endpoints"));

  private static final Map<String, Schema> SCHEMAS = new HashMap<>();
  private static final Map<String, JsonNode> RAW_SCHEMAS = new HashMap<>();

  @BeforeAll
  static void loadCrds() throws IOException {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());
    for (var entry : CRDS.entrySet()) {
      JsonNode crd =
          Deploy.YAML.readTree(Deploy.path("deploy/k8s/crds/" + entry.getValue()).toFile());
      String version = entry.getKey().split("/")[1];
      JsonNode schema = null;
      for (JsonNode v : crd.at("/spec/versions")) {
        if (v.get("name").asText().equals(version)) {
          schema = v.at("/schema/openAPIV3Schema");
        }
      }
      assertThat(schema).as("%s defines version %s", entry.getValue(), version).isNotNull();
      RAW_SCHEMAS.put(entry.getKey(), schema);
      SCHEMAS.put(entry.getKey(), registry.getSchema(schema));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "gpu"})
  void overlayRendersToValidResources(String overlay, @TempDir Path tmp) throws IOException {
    String rendered = Deploy.run("kubectl", "kustomize", "deploy/k8s/overlays/" + overlay);
    Path file = tmp.resolve(overlay + ".yaml");
    Files.writeString(file, rendered);
    Deploy.yamllint(file.toString());

    List<ObjectNode> resources = Deploy.documents(rendered);
    List<String> problems = new ArrayList<>();
    Map<String, ObjectNode> byKind = new HashMap<>();
    for (ObjectNode resource : resources) {
      String type = type(resource);
      byKind.merge(type, resource, (a, b) -> a);
      assertThat(resource.at("/metadata/namespace").asText(resource.path("kind").asText()))
          .as("%s is in the anira namespace", type)
          .isIn("anira", "Namespace");
      assertThat(resource.path("kind").asText())
          .as("no secret in the manifests")
          .isNotEqualTo("Secret");
      problems.addAll(problems(resource));
    }
    assertThat(problems).isEmpty();
    assertThat(byKind)
        .containsKeys(
            "kafka.strimzi.io/v1/Kafka",
            "kafka.strimzi.io/v1/KafkaNodePool",
            "kafka.strimzi.io/v1/KafkaTopic",
            "flink.apache.org/v1beta1/FlinkDeployment",
            "apps/v1/Deployment",
            "monitoring.coreos.com/v1/PodMonitor",
            "v1/ConfigMap");

    List<Deployment> deployments = new ArrayList<>();
    for (ObjectNode resource : resources) {
      if (resource.path("kind").asText().equals("Deployment")) {
        deployments.add(Deploy.YAML.treeToValue(resource, Deployment.class));
      }
    }
    assertThat(deployments)
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("model-service", "task-producer", "monitor");
    for (Deployment d : deployments) {
      checkPod(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec(), overlay);
    }

    ObjectNode flink =
        resources.stream()
            .filter(r -> r.path("kind").asText().equals("FlinkDeployment"))
            .findFirst()
            .orElseThrow();
    assertThat(flink.path("spec").path("image").asText()).isIn(Deploy.IMAGES);
    assertThat(flink.at("/spec/job/jarURI").asText())
        .isEqualTo("local:///opt/flink/usrlib/anira-stream-jobs.jar");
    assertThat(flink.at("/spec/job/upgradeMode").asText()).isEqualTo("savepoint");
    assertThat(flink.at("/spec/podTemplate/spec/securityContext/runAsNonRoot").asBoolean())
        .isTrue();

    List<String> topics = new ArrayList<>();
    resources.stream()
        .filter(r -> r.path("kind").asText().equals("KafkaTopic"))
        .forEach(r -> topics.add(r.at("/spec/topicName").asText()));
    assertThat(topics)
        .containsExactlyInAnyOrder(
            "anira.tasks",
            "anira.traces",
            "anira.steps",
            "anira.results",
            "anira.halting",
            "anira.alignment",
            "anira.timing",
            "anira.generalization",
            "anira.alerts",
            "anira.dlq");
  }

  @Test
  void theChecksCatchABadValueAndAMisplacedField() throws IOException {
    ObjectNode flink =
        (ObjectNode)
            Deploy.YAML.readTree(
                """
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: x}
                spec:
                  flinkVersion: v2_2
                  job: {jarURI: "local:///a.jar", upgradeMode: sometimes, paralelism: 2}
                """);
    assertThat(problems(flink))
        .anySatisfy(p -> assertThat(p).contains("upgradeMode"))
        .anySatisfy(p -> assertThat(p).contains(".spec.job.paralelism is not in the CRD schema"));
    ObjectNode deployment =
        (ObjectNode)
            Deploy.YAML.readTree(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers: [{name: c, image: i, resource: {}}]
                """);
    assertThat(problems(deployment)).singleElement().asString().contains("[resource]");
  }

  private static String type(ObjectNode resource) {
    return resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
  }

  /** What the API would reject, or silently drop, in one resource. */
  private static List<String> problems(ObjectNode resource) throws IOException {
    String type = type(resource);
    String name = type + " " + resource.at("/metadata/name").asText();
    List<String> problems = new ArrayList<>();
    if (SCHEMAS.containsKey(type)) {
      SCHEMAS.get(type).validate(resource).forEach(e -> problems.add(name + ": " + e));
      undeclared(RAW_SCHEMAS.get(type), resource, "", problems, name);
    } else if (CORE.containsKey(type)) {
      KubernetesResource parsed = Deploy.YAML.treeToValue(resource, CORE.get(type));
      unknownFields(parsed, name, "", problems, new IdentityHashMap<>());
    } else if (MONITORS.containsKey(type)) {
      for (String field : MONITORS.get(type)) {
        if (resource.at("/spec/" + field).isMissingNode()) {
          problems.add(name + ": spec." + field + " is required");
        }
      }
    } else {
      problems.add(name + ": a kind this check does not know; teach it before shipping one");
    }
    return problems;
  }

  private static void checkPod(String name, PodSpec pod, String overlay) {
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("%s runs as non-root", name).isTrue();
    for (Container c : pod.getContainers()) {
      assertThat(c.getImage()).as("%s uses an image the build makes", name).isIn(Deploy.IMAGES);
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getResources().getRequests())
          .as("%s requests", name)
          .containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).as("%s memory limit", name).containsKey("memory");
      assertThat(c.getReadinessProbe()).as("%s readiness probe", name).isNotNull();
      assertThat(c.getLivenessProbe()).as("%s liveness probe", name).isNotNull();
      c.getEnv()
          .forEach(
              e ->
                  assertThat(e.getValue())
                      .as("%s env %s holds no secret", name, e.getName())
                      .doesNotContainIgnoringCase("password"));
      Map<String, Quantity> limits = c.getResources().getLimits();
      boolean gpu = limits.containsKey("nvidia.com/gpu");
      if (name.equals("model-service") && overlay.equals("gpu")) {
        assertThat(gpu).as("the gpu overlay gives the model service a GPU").isTrue();
        assertThat(c.getImage()).startsWith("anira/model-service-gpu:");
        assertThat(c.getArgs()).contains("--device=gpu");
      } else {
        assertThat(gpu).as("%s in %s asks for no GPU", name, overlay).isFalse();
      }
    }
  }

  /** Fields the CRD schema does not declare: the API server would drop them without a word. */
  private static void undeclared(
      JsonNode schema, JsonNode value, String path, List<String> problems, String name) {
    if (schema == null
        || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        || value == null) {
      return;
    }
    if (value.isObject()) {
      JsonNode properties = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        var field = it.next();
        String at = path + "." + field.getKey();
        if (properties != null && properties.has(field.getKey())) {
          undeclared(properties.get(field.getKey()), field.getValue(), at, problems, name);
        } else if (additional != null && additional.isObject()) {
          undeclared(additional, field.getValue(), at, problems, name);
        } else if (properties != null
            && !(path.isEmpty()
                && Set.of("apiVersion", "kind", "metadata").contains(field.getKey()))) {
          problems.add(name + ": " + at + " is not in the CRD schema");
        }
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        undeclared(schema.get("items"), value.get(i), path + "[" + i + "]", problems, name);
      }
    }
  }

  /** fabric8's models keep fields they do not know aside: any there is a typo or a wrong level. */
  private static void unknownFields(
      Object model,
      String name,
      String path,
      List<String> problems,
      IdentityHashMap<Object, Boolean> seen) {
    if (model == null || seen.put(model, true) != null) {
      return;
    }
    if (model instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, name, path + "[" + i++ + "]", problems, seen);
      }
      return;
    }
    if (model instanceof Map<?, ?> map) {
      map.forEach((k, v) -> unknownFields(v, name, path + "." + k, problems, seen));
      return;
    }
    if (!model.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : model.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(model);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add(
              name
                  + ": unknown field(s) "
                  + extra.keySet()
                  + " at "
                  + (path.isEmpty() ? "top level" : path));
        }
      } else if (!Set.of("getClass", "getApiVersion", "getKind").contains(getter.getName())) {
        String field = getter.getName().substring(3);
        unknownFields(value, name, path + "." + field, problems, seen);
      }
    }
  }
}
