package dev.anira.training;

import ai.djl.Device;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.anira.evaluation.Evaluation;
import dev.anira.model.Anira;
import dev.anira.model.CheckpointMismatchException;
import dev.anira.model.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A trained model on disk: {@code NAME.json} (architecture, training config, command, metrics) and
 * {@code NAME.weights} (every parameter by name and shape, little-endian float32). The loader
 * rebuilds the model from the JSON and refuses weights whose names, shapes or checksum differ.
 *
 * @param metrics eval set → scores; keys {@code train} and {@code extrapolation}
 * @param code the code that trained it; null in checkpoints written before it was recorded, whose
 *     weights the current code may no longer reproduce bit for bit (model-service README,
 *     "Training")
 */
public record Checkpoint(
    @JsonProperty("format") int format,
    @JsonProperty("name") String name,
    @JsonProperty("model") ModelConfig model,
    @JsonProperty("training") TrainingConfig training,
    @JsonProperty("command") String command,
    @JsonProperty("metrics") Map<String, Evaluation> metrics,
    @JsonProperty("parameters") long parameters,
    @JsonProperty("weightsSha256") String weightsSha256,
    @JsonProperty("trainSeconds") double trainSeconds,
    @JsonProperty("code") Code code) {

  /**
   * The commit the training code was built from, and whether tracked files had changes that commit
   * does not hold (then the commit alone does not reproduce the weights). Files git does not track
   * yet are not seen: a new source file not yet added leaves {@code uncommittedChanges} false.
   *
   * @param commit full SHA-1, or {@code unknown} for a build outside a git checkout
   * @param uncommittedChanges null when the commit is unknown
   */
  public record Code(
      @JsonProperty("commit") String commit,
      @JsonProperty("uncommittedChanges") Boolean uncommittedChanges) {

    /** What the build wrote beside this class (git-commit-id-maven-plugin, model-service pom). */
    public static Code current() {
      Properties git = new Properties();
      try (InputStream in = Checkpoint.class.getResourceAsStream("git.properties")) {
        if (in != null) {
          git.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the build's git.properties", e);
      }
      String commit = git.getProperty("git.commit.id");
      return commit == null
          ? new Code("unknown", null)
          : new Code(commit, Boolean.parseBoolean(git.getProperty("git.dirty")));
    }
  }

  public static final int FORMAT = 1;
  private static final String MAGIC = "ANIRA-WEIGHTS-1";
  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .registerModule(undefinedAsNull());

  /**
   * JSON has no NaN: an undefined score (ρ of a constant depth) is written null, as {@code anira
   * eval --json} writes it, and an explicit null reads back as NaN. Jackson's default writes the
   * string "NaN", which checkpoints written before this still hold; they read as before. A field a
   * checkpoint lacks (written before the field existed) reads as before too: 0 for a {@code
   * double}, null for a {@code Double}. Infinities keep Jackson's strings ("Infinity"), which read
   * back as they were.
   */
  private static SimpleModule undefinedAsNull() {
    JsonSerializer<Double> writer =
        new StdSerializer<>(Double.class) {
          @Override
          public void serialize(Double value, JsonGenerator out, SerializerProvider provider)
              throws IOException {
            if (value.isNaN()) {
              out.writeNull();
            } else {
              out.writeNumber(value);
            }
          }
        };
    return new SimpleModule("undefined-as-null")
        .addSerializer(Double.class, writer)
        .addSerializer(double.class, writer)
        .addDeserializer(Double.class, new NullAsNaN(null))
        .addDeserializer(double.class, new NullAsNaN(0.0));
  }

  /** Reads a number, or "NaN" and the like, or null as NaN; an absent field as {@code absent}. */
  private static final class NullAsNaN extends StdDeserializer<Double> {
    private static final long serialVersionUID = 1L;
    private final Double absent;

    NullAsNaN(Double absent) {
      super(Double.class);
      this.absent = absent;
    }

    @Override
    public Double deserialize(JsonParser in, DeserializationContext context) throws IOException {
      return in.currentToken() == JsonToken.VALUE_STRING
          ? Double.valueOf(in.getText())
          : in.getDoubleValue();
    }

    @Override
    public Double getNullValue(DeserializationContext context) {
      return Double.NaN;
    }

    @Override
    public Object getAbsentValue(DeserializationContext context) {
      return absent;
    }
  }

  /** A checkpoint and the model rebuilt from it. Close the model when done. */
  public record Loaded(Checkpoint checkpoint, Anira model) {}

  public static Path jsonFile(Path dir, String name) {
    return dir.resolve(name + ".json");
  }

  public static Path weightsFile(Path dir, String name) {
    return dir.resolve(name + ".weights");
  }

  /** Writes the weights, then the JSON carrying their checksum; returns the stored record. */
  public static Checkpoint save(
      Path dir,
      String name,
      Anira model,
      TrainingConfig training,
      String command,
      Map<String, Evaluation> metrics,
      double trainSeconds)
      throws IOException {
    Files.createDirectories(dir);
    byte[] weights = encodeWeights(model);
    Files.write(weightsFile(dir, name), weights);
    Checkpoint checkpoint =
        new Checkpoint(
            FORMAT,
            name,
            model.config(),
            training,
            command,
            metrics,
            model.weights().count(),
            sha256(weights),
            trainSeconds,
            Code.current());
    JSON.writeValue(jsonFile(dir, name).toFile(), checkpoint);
    return checkpoint;
  }

  /** Loads {@code DIR/NAME.json} and {@code DIR/NAME.weights}. */
  public static Loaded load(Path json, Device device) throws IOException {
    String file = json.getFileName().toString();
    if (!file.endsWith(".json")) {
      throw new IllegalArgumentException("a checkpoint is named by its .json file, got " + json);
    }
    Path weights = json.resolveSibling(file.substring(0, file.length() - 5) + ".weights");
    if (!Files.exists(weights)) {
      throw new CheckpointMismatchException(json + " has no weights file beside it: " + weights);
    }
    try (InputStream j = Files.newInputStream(json);
        InputStream w = Files.newInputStream(weights)) {
      return load(json.toString(), j, w, device);
    }
  }

  /** Loads from streams (files or classpath resources); {@code source} names them in errors. */
  public static Loaded load(String source, InputStream json, InputStream weights, Device device)
      throws IOException {
    Checkpoint checkpoint;
    try {
      checkpoint = JSON.readValue(json, Checkpoint.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new CheckpointMismatchException(
          source + " is not a valid checkpoint JSON: " + e.getMessage(), e);
    }
    if (checkpoint.format() != FORMAT || checkpoint.model() == null) {
      throw new CheckpointMismatchException(
          source
              + ": unsupported checkpoint format "
              + checkpoint.format()
              + " (expected "
              + FORMAT
              + ")");
    }
    byte[] bytes = weights.readAllBytes();
    if (!sha256(bytes).equals(checkpoint.weightsSha256())) {
      throw new CheckpointMismatchException(
          source
              + ": the weights file does not match the checksum in the JSON (damaged, or from"
              + " another training run)");
    }
    Anira model = Anira.create(checkpoint.model(), device, 0);
    try {
      decodeWeights(bytes, model, source);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return new Loaded(checkpoint, model);
  }

  static byte[] encodeWeights(Anira model) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(MAGIC);
      out.writeInt(model.weights().all().size());
      for (String name : model.weights().all().keySet()) {
        long[] shape = model.weights().storedShape(name);
        out.writeUTF(name);
        out.writeInt(shape.length);
        for (long dim : shape) {
          out.writeLong(dim);
        }
        float[] values = model.weights().stored(name);
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(buffer.array());
      }
    }
    return bytes.toByteArray();
  }

  private static void decodeWeights(byte[] bytes, Anira model, String source) {
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      if (!MAGIC.equals(in.readUTF())) {
        throw new CheckpointMismatchException(source + ": not an ANIRA weights file");
      }
      int count = in.readInt();
      for (int p = 0; p < count; p++) {
        String name = in.readUTF();
        long[] shape = new long[in.readInt()];
        for (int d = 0; d < shape.length; d++) {
          shape[d] = in.readLong();
        }
        int n = in.readInt();
        byte[] raw = new byte[Math.multiplyExact(n, 4)];
        in.readFully(raw);
        float[] floats = new float[n];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
        values.put(name, floats);
        shapes.put(name, shape);
      }
    } catch (EOFException e) {
      throw new CheckpointMismatchException(source + ": the weights file is truncated", e);
    } catch (IOException e) {
      throw new CheckpointMismatchException(source + ": cannot read weights: " + e.getMessage(), e);
    }
    model.weights().load(values, shapes, source);
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
