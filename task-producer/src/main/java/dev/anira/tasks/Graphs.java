package dev.anira.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random graphs for the graph tasks, and their token format. Node ids are randomly permuted, so an
 * id carries no structure; edges are listed in random order as {@code u v} pairs, then {@code SEP}.
 */
final class Graphs {

  /** Node ids and numeric answers share ids 0..63; the separator follows them. */
  static final int MAX_NODES = 64;

  static final int SEP = MAX_NODES;
  static final int VOCAB = MAX_NODES + 1;

  /** Graph families of the bfs task, by knob value. */
  static final String[] FAMILIES = {"er", "ba", "grid", "chain"};

  private Graphs() {}

  /** An edge list over nodes 0..n-1. */
  record Edges(int n, int[] from, int[] to) {
    int size() {
      return from.length;
    }

    /** Adjacency lists, ascending; both directions unless {@code directed}. */
    int[][] adjacency(boolean directed) {
      int[] degree = new int[n];
      for (int e = 0; e < from.length; e++) {
        degree[from[e]]++;
        if (!directed) {
          degree[to[e]]++;
        }
      }
      int[][] adj = new int[n][];
      for (int v = 0; v < n; v++) {
        adj[v] = new int[degree[v]];
      }
      int[] fill = new int[n];
      for (int e = 0; e < from.length; e++) {
        adj[from[e]][fill[from[e]]++] = to[e];
        if (!directed) {
          adj[to[e]][fill[to[e]]++] = from[e];
        }
      }
      for (int[] list : adj) {
        Arrays.sort(list);
      }
      return adj;
    }
  }

  /** Collects distinct edges. */
  static final class EdgeSet {
    private final int n;
    private final boolean directed;
    private final Set<Long> seen = new HashSet<>();
    private final List<int[]> edges = new ArrayList<>();

    EdgeSet(int n, boolean directed) {
      this.n = n;
      this.directed = directed;
    }

    boolean add(int u, int v) {
      if (u == v) {
        return false;
      }
      int a = directed ? u : Math.min(u, v);
      int b = directed ? v : Math.max(u, v);
      if (!seen.add((long) a * n + b)) {
        return false;
      }
      edges.add(new int[] {u, v});
      return true;
    }

    int size() {
      return edges.size();
    }

    /** Relabels nodes by {@code label} and shuffles the edge order. */
    Edges build(int[] label, SplittableRandom random) {
      int m = edges.size();
      int[] order = permutation(m, random);
      int[] from = new int[m];
      int[] to = new int[m];
      for (int i = 0; i < m; i++) {
        int[] e = edges.get(order[i]);
        from[i] = label[e[0]];
        to[i] = label[e[1]];
      }
      return new Edges(n, from, to);
    }
  }

  /** A connected undirected graph of the given family with about {@code degree} mean degree. */
  static EdgeSet undirected(int n, int family, double degree, SplittableRandom random) {
    EdgeSet edges = new EdgeSet(n, false);
    switch (family) {
      case 0 -> { // Erdős–Rényi on top of a random tree, so it is connected
        for (int v = 1; v < n; v++) {
          edges.add(v, random.nextInt(v));
        }
        long wanted = Math.min((long) n * (n - 1) / 2, Math.round(n * degree / 2));
        while (edges.size() < wanted) {
          edges.add(random.nextInt(n), random.nextInt(n));
        }
      }
      case 1 -> { // Barabási–Albert: preferential attachment makes hubs
        int m = Math.max(1, (int) Math.round(degree / 2));
        List<Integer> ends = new ArrayList<>();
        for (int v = 1; v < n; v++) {
          int links = Math.min(m, v);
          Set<Integer> chosen = new HashSet<>();
          while (chosen.size() < links) {
            int u =
                ends.isEmpty()
                    ? random.nextInt(v)
                    : (random.nextInt(4) == 0
                        ? random.nextInt(v)
                        : ends.get(random.nextInt(ends.size())));
            chosen.add(u);
          }
          for (int u : chosen) {
            edges.add(v, u);
            ends.add(u);
            ends.add(v);
          }
        }
      }
      case 2 -> { // grid, row-major, width ⌈√n⌉
        int width = (int) Math.ceil(Math.sqrt(n));
        for (int v = 0; v < n; v++) {
          if ((v + 1) % width != 0 && v + 1 < n) {
            edges.add(v, v + 1);
          }
          if (v + width < n) {
            edges.add(v, v + width);
          }
        }
      }
      case 3 -> { // chain
        for (int v = 1; v < n; v++) {
          edges.add(v - 1, v);
        }
      }
      default -> throw new IllegalArgumentException("graph family must be 0..3, got " + family);
    }
    return edges;
  }

  static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  /** Writes the edge list and the separator. */
  static void writeEdges(Edges edges, TraceBuilder out) {
    for (int e = 0; e < edges.size(); e++) {
      out.token(edges.from()[e]);
      out.token(edges.to()[e]);
    }
    out.token(SEP);
  }
}
