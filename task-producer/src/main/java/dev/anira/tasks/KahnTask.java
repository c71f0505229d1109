package dev.anira.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Topological level in a DAG (length of the longest path from any source). Tokens: directed edges
 * ({@code u v} means u → v), {@code SEP}, then one query token per node in random order, target its
 * level. Reference: Kahn's algorithm by rounds; round t removes every node whose in-degree has
 * reached 0, i.e. level t-1, so complexity ({@code kahn-round}) is level + 1. State: frontier
 * membership and size, newly enabled nodes, remaining in-degree.
 */
final class KahnTask extends GraphTask {

  @Override
  public String name() {
    return "kahn";
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        NODES,
        Knob.ofInt("depth", 4, 1, Graphs.MAX_NODES, "number of levels (longest path + 1)"),
        Knob.ofReal("density", 0.1, 0, 1, "probability of each extra edge from a lower level"));
  }

  @Override
  public void validate(Params params) {
    if (params.getInt("depth") > params.getInt("nodes")) {
      throw new IllegalArgumentException(
          "kahn: depth "
              + params.getInt("depth")
              + " is impossible with "
              + params.getInt("nodes")
              + " nodes (each level needs a node)");
    }
  }

  @Override
  public void generate(Params params, SplittableRandom random, TraceBuilder out) {
    int n = params.getInt("nodes");
    int depth = params.getInt("depth");
    double density = params.get("density");
    int[] level = new int[n];
    for (int v = 0; v < n; v++) {
      level[v] = v < depth ? v : random.nextInt(depth);
    }
    Graphs.EdgeSet edges = new Graphs.EdgeSet(n, true);
    for (int v = 0; v < n; v++) {
      if (level[v] == 0) {
        continue;
      }
      // One edge from the level just below fixes the longest path at exactly level[v].
      int parent;
      do {
        parent = random.nextInt(n);
      } while (level[parent] != level[v] - 1);
      edges.add(parent, v);
      for (int u = 0; u < n; u++) {
        if (level[u] < level[v] && random.nextDouble() < density) {
          edges.add(u, v);
        }
      }
    }
    int[] label = Graphs.permutation(n, random);
    int[] levelOf = new int[n];
    for (int v = 0; v < n; v++) {
      levelOf[label[v]] = level[v];
    }
    Graphs.Edges dag = edges.build(label, random);
    Graphs.writeEdges(dag, out);
    int[][] successors = dag.adjacency(true);
    int[] inDegree = new int[n];
    for (int e = 0; e < dag.size(); e++) {
      inDegree[dag.to()[e]]++;
    }

    int[] query = Graphs.permutation(n, random);
    int[] targets = new int[n];
    int[] complexity = new int[n];
    double[] position = new double[n];
    double[] in = new double[n];
    double[] outDegree = new double[n];
    for (int i = 0; i < n; i++) {
      int v = query[i];
      targets[i] = levelOf[v];
      complexity[i] = levelOf[v] + 1;
      out.answer(v, levelOf[v]);
      position[i] = i;
      in[i] = inDegree[v];
      outDegree[i] = successors[v].length;
    }
    out.staticFeature("position", position);
    out.staticFeature("inputSize", Steps.constant(n, n));
    out.staticFeature("inDegree", in);
    out.staticFeature("outDegree", outDegree);
    out.complexity("kahn-round", complexity);
    int[] fromLevel = new int[dag.size()];
    for (int e = 0; e < dag.size(); e++) {
      fromLevel[e] = levelOf[dag.from()[e]];
    }
    int[] slot = new int[n];
    for (int i = 0; i < n; i++) {
      slot[query[i]] = i;
    }
    Steps.emit(
        out,
        complexity,
        targets,
        (t, features) -> {
          double[] frontier = new double[n];
          double[] enabled = new double[n];
          double[] remaining = new double[n];
          int frontierSize = 0;
          for (int i = 0; i < n; i++) {
            frontier[i] = targets[i] == t - 1 ? 1 : 0;
            enabled[i] = targets[i] == t ? 1 : 0;
            frontierSize += (int) frontier[i];
          }
          // After round t the nodes of levels < t are gone: count edges from the rest.
          for (int e = 0; e < fromLevel.length; e++) {
            if (fromLevel[e] >= t) {
              remaining[slot[dag.to()[e]]]++;
            }
          }
          features.put("inFrontier", frontier);
          features.put("newlyEnabled", enabled);
          features.put("remainingInDegree", remaining);
          features.put("frontierSize", Steps.constant(n, frontierSize));
        });
    out.featuresAtResolution("frontierSize");
    // The nodes its round enables: those one level above it.
    int[] atLevel = new int[depth + 1];
    for (int t : targets) {
      atLevel[t]++;
    }
    double[] enablesWith = new double[n];
    for (int i = 0; i < n; i++) {
      enablesWith[i] = atLevel[targets[i] + 1];
    }
    out.algorithmFeature("newlyEnabled", enablesWith);
  }
}
