package dev.anira.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * BFS distance. Tokens: the undirected edge list ({@code u v} pairs), {@code SEP}, the source,
 * {@code SEP}, then one query token per node in random order, whose target is the node's distance
 * from the source. Reference: BFS by layers; step 1 holds the source, step t discovers layer t-1,
 * so complexity ({@code bfs-layer}) is distance + 1. State: frontier membership, frontier size,
 * nodes visited.
 */
final class BfsTask extends GraphTask {

  @Override
  public String name() {
    return "bfs";
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        NODES,
        Knob.ofReal("degree", 3, 1, 16, "mean degree (er, ba)"),
        Knob.ofInt("family", 0, 0, 3, "graph family: 0 er, 1 ba (hubs), 2 grid, 3 chain"));
  }

  @Override
  public void generate(Params params, SplittableRandom random, TraceBuilder out) {
    int n = params.getInt("nodes");
    Graphs.Edges edges =
        Graphs.undirected(n, params.getInt("family"), params.get("degree"), random)
            .build(Graphs.permutation(n, random), random);
    int[][] adj = edges.adjacency(false);
    int source = random.nextInt(n);
    int[] dist = distances(adj, source);

    Graphs.writeEdges(edges, out);
    out.token(source);
    out.token(Graphs.SEP);
    int[] query = Graphs.permutation(n, random);
    double meanDegree = 2.0 * edges.size() / n;
    int[] targets = new int[n];
    int[] complexity = new int[n];
    double[] position = new double[n];
    double[] degree = new double[n];
    double[] hub = new double[n];
    double[] isSource = new double[n];
    for (int i = 0; i < n; i++) {
      int v = query[i];
      targets[i] = dist[v];
      complexity[i] = dist[v] + 1;
      out.answer(v, dist[v]);
      position[i] = i;
      degree[i] = adj[v].length;
      hub[i] = adj[v].length >= 2 * meanDegree ? 1 : 0;
      isSource[i] = v == source ? 1 : 0;
    }
    out.staticFeature("position", position);
    out.staticFeature("inputSize", Steps.constant(n, n));
    out.staticFeature("degree", degree);
    out.staticFeature("isHub", hub);
    out.staticFeature("isSource", isSource);
    out.complexity("bfs-layer", complexity);
    Steps.emit(
        out,
        complexity,
        targets,
        (t, features) -> {
          double[] frontier = new double[n];
          int frontierSize = 0;
          int visited = 0;
          for (int i = 0; i < n; i++) {
            frontier[i] = targets[i] == t - 1 ? 1 : 0;
            frontierSize += (int) frontier[i];
            visited += targets[i] <= t - 1 ? 1 : 0;
          }
          features.put("inFrontier", frontier);
          features.put("frontierSize", Steps.constant(n, frontierSize));
          features.put("visited", Steps.constant(n, visited));
        });
    out.featuresAtResolution("frontierSize", "visited");
  }

  static int[] distances(int[][] adj, int source) {
    int n = adj.length;
    int[] dist = new int[n];
    java.util.Arrays.fill(dist, -1);
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    dist[source] = 0;
    queue[tail++] = source;
    while (head < tail) {
      int u = queue[head++];
      for (int v : adj[u]) {
        if (dist[v] < 0) {
          dist[v] = dist[u] + 1;
          queue[tail++] = v;
        }
      }
    }
    return dist;
  }
}
