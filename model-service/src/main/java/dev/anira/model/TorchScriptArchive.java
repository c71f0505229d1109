package dev.anira.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module archive (what {@code torch.jit.save} writes and {@code torch.jit.load}
 * reads) made from TorchScript source and plain attributes, without Python: libtorch compiles the
 * source when it loads the archive. The layout is PyTorch's ({@code
 * torch/csrc/jit/serialization/import.cpp}): {@code code/__torch__.py} holds the class, {@code
 * data.pkl} the module object as a protocol-2 pickle of its attributes, {@code constants.pkl} the
 * (empty) tensor constants, {@code version} the file format version. The module holds no tensors;
 * its methods take them as arguments.
 */
final class TorchScriptArchive {

  /**
   * The file format version, as PyTorch 1.12 to 2.x write it. Below 10, libtorch compiles the
   * source with the operator semantics of that version (its "upgraders": e.g. no {@code
   * approximate} for {@code gelu}, integer {@code div} rounding), not today's.
   */
  private static final String FORMAT_VERSION = "10\n";

  private TorchScriptArchive() {}

  /**
   * @param className the class defined in {@code source}, in the {@code __torch__} namespace
   * @param source TorchScript source of that class, as {@code torch.jit.save} prints it
   * @param attributes the module's attributes other than {@code training} (false): Integer, Double,
   *     Boolean or String values, each declared in the class
   * @return the archive's bytes, for {@code torch.jit.load} (DJL: {@code JniUtils.loadModule})
   * @throws IllegalArgumentException for an attribute of another type
   */
  static byte[] of(String className, String source, Map<String, Object> attributes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      stored(zip, "archive/data.pkl", moduleObject(className, attributes));
      stored(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
      stored(zip, "archive/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
      stored(zip, "archive/version", FORMAT_VERSION.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** PyTorch's reader maps entries in place, so they are stored, not deflated. */
  private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(content);
    zip.closeEntry();
  }

  /**
   * {@code __torch__.<className>()} with its attributes set by BUILD from a dict, as PyTorch's
   * pickler writes a scripted module (opcodes: Python's {@code pickletools}).
   */
  private static byte[] moduleObject(String className, Map<String, Object> attributes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80); // PROTO 2
    out.write(2);
    out.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
    out.write(')'); // EMPTY_TUPLE
    out.write(0x81); // NEWOBJ
    out.write('}'); // EMPTY_DICT
    out.write('('); // MARK
    string(out, "training");
    out.write(0x89); // NEWFALSE
    for (Map.Entry<String, Object> a : attributes.entrySet()) {
      string(out, a.getKey());
      Object value = a.getValue();
      if (value instanceof Integer i) {
        out.write('J'); // BININT, little-endian
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array());
      } else if (value instanceof Double d) {
        out.write('G'); // BINFLOAT, big-endian
        out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
      } else if (value instanceof Boolean b) {
        out.write(b ? 0x88 : 0x89); // NEWTRUE, NEWFALSE
      } else if (value instanceof String s) {
        string(out, s);
      } else {
        throw new IllegalArgumentException(
            "attribute " + a.getKey() + ": no pickle for " + value.getClass());
      }
    }
    out.write('u'); // SETITEMS
    out.write('b'); // BUILD
    out.write('.'); // STOP
    return out.toByteArray();
  }

  /** BINUNICODE: length (little-endian) and UTF-8. */
  private static void string(ByteArrayOutputStream out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    out.writeBytes(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
    out.writeBytes(utf8);
  }
}
