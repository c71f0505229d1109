package dev.anira.report;

import dev.anira.schemas.GeneralizationReport;
import dev.anira.schemas.Split;
import dev.anira.schemas.StepTracking;
import dev.anira.schemas.TimingReport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's figures for one task, its models side by side (one series per model), drawn with
 * JFreeChart into SVG (JFreeSVG): self-contained vector images that a browser shows inline and a
 * paper can include.
 */
final class Figures {

  static final int WIDTH = 560;
  static final int HEIGHT = 360;

  /**
   * One figure: a file name stem, a caption, the SVG element, and how many data values it plots (0
   * when every statistic it shows is undefined, e.g. R² when all depths are equal).
   */
  record Figure(String name, String caption, String svg, int points) {}

  private Figures() {}

  /** The task's four figures, in report order. */
  static List<Figure> forTask(String task, List<ModelAnalyses> models) {
    return List.of(
        alignment(task, models),
        generalization(task, models),
        timing(task, models),
        tracking(task, models));
  }

  /** Mean depth per complexity value, with the line depth = complexity for reference. */
  private static Figure alignment(String task, List<ModelAnalyses> models) {
    XYSeriesCollection data = new XYSeriesCollection();
    List<Color> colors = new java.util.ArrayList<>();
    List<Boolean> extrapolation = new java.util.ArrayList<>();
    int top = 1;
    for (ModelAnalyses m : models) {
      m.depthByComplexity()
          .forEach(
              (split, cells) -> {
                XYSeries s = new XYSeries(label(m, split));
                cells.forEach((c, cell) -> s.add((double) c, (double) cell[1] / cell[0]));
                data.addSeries(s);
                colors.add(color(m.mechanism()));
                extrapolation.add(split == Split.EXTRAPOLATION);
              });
      for (var cells : m.depthByComplexity().values()) {
        top = Math.max(top, cells.isEmpty() ? 1 : cells.lastKey());
      }
    }
    int points = points(data);
    XYSeries diagonal = new XYSeries("depth = complexity");
    diagonal.add(0, 0);
    diagonal.add(top, top);
    data.addSeries(diagonal);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            task + ": depth vs complexity",
            "complexity (steps of the reference algorithm)",
            "mean depth",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer r = lines(plot);
    for (int i = 0; i < colors.size(); i++) {
      r.setSeriesPaint(i, colors.get(i));
      if (extrapolation.get(i)) {
        r.setSeriesStroke(i, dashed());
      }
    }
    int last = data.getSeriesCount() - 1;
    r.setSeriesPaint(last, Color.GRAY);
    r.setSeriesShapesVisible(last, false);
    r.setSeriesStroke(last, dashed());
    return new Figure(
        task + "-alignment",
        "Mean depth per complexity value, per model and split. On the dashed line depth equals"
            + " the algorithm's complexity.",
        svg(chart),
        points);
  }

  /** Accuracy and mean depth by input size on two aligned panels; extrapolation sizes shaded. */
  private static Figure generalization(String task, List<ModelAnalyses> models) {
    XYSeriesCollection accuracy = new XYSeriesCollection();
    XYSeriesCollection depth = new XYSeriesCollection();
    int extrapolationFrom = Integer.MAX_VALUE;
    int extrapolationTo = Integer.MIN_VALUE;
    for (ModelAnalyses m : models) {
      XYSeries a = new XYSeries(m.modelId());
      XYSeries d = new XYSeries(m.modelId());
      for (GeneralizationReport g : m.generalization()) {
        a.add(g.getSize(), g.getAccuracy());
        d.add(g.getSize(), g.getMeanDepth());
        if (g.getSplit() == Split.EXTRAPOLATION) {
          extrapolationFrom = Math.min(extrapolationFrom, g.getSize());
          extrapolationTo = Math.max(extrapolationTo, g.getSize());
        }
      }
      accuracy.addSeries(a);
      depth.addSeries(d);
    }
    NumberAxis size = new NumberAxis("input size");
    size.setAutoRangeIncludesZero(false);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(size);
    plot.setGap(12);
    XYPlot top = panel(accuracy, "token accuracy", models);
    ((NumberAxis) top.getRangeAxis()).setRange(0, 1.02);
    XYPlot bottom = panel(depth, "mean depth", models);
    for (XYPlot p : List.of(top, bottom)) {
      if (extrapolationFrom <= extrapolationTo) {
        IntervalMarker marker = new IntervalMarker(extrapolationFrom - 0.5, extrapolationTo + 0.5);
        marker.setPaint(new Color(255, 228, 196));
        marker.setAlpha(0.5f);
        p.addDomainMarker(marker, org.jfree.chart.ui.Layer.BACKGROUND);
      }
      plot.add(p, 1);
    }
    plot.setFixedLegendItems(top.getLegendItems()); // one entry per model, not one per panel
    JFreeChart chart =
        new JFreeChart(task + ": generalization by input size", titleFont(), plot, true);
    return new Figure(
        task + "-generalization",
        "Token accuracy (top) and mean depth (bottom) by input size; extrapolation sizes, never"
            + " seen in training, are shaded.",
        svg(chart, WIDTH, HEIGHT + 120),
        accuracy.getSeriesCount() == 0 ? 0 : points(accuracy));
  }

  /** Adjusted R² of depth on depth-free static features vs on the algorithm's state. */
  private static Figure timing(String task, List<ModelAnalyses> models) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    int points = 0;
    for (ModelAnalyses m : models) {
      TimingReport t = m.timing().get(Split.TRAIN);
      if (t == null) {
        continue;
      }
      points +=
          (t.getAdjustedR2Static() == null ? 0 : 1) + (t.getAdjustedR2Algorithm() == null ? 0 : 1);
      data.addValue(t.getAdjustedR2Static(), "static features", m.modelId());
      data.addValue(t.getAdjustedR2Algorithm(), "algorithm's state", m.modelId());
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            task + ": decision timing (train sizes)",
            null,
            "adjusted R² of depth",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getRangeAxis().setRange(0, 1);
    plot.getRenderer().setSeriesPaint(0, Color.GRAY);
    plot.getRenderer().setSeriesPaint(1, new Color(0x2c, 0xa0, 0x2c));
    return new Figure(
        task + "-timing",
        "How much of the depth the static features explain vs the algorithm's state (adjusted R²;"
            + " with depths drawn at random both stay near 0; no bar where it is undefined).",
        svg(chart),
        points);
  }

  /** AUC of λ^k for "this token is already resolved by the algorithm", per step k. */
  private static Figure tracking(String task, List<ModelAnalyses> models) {
    XYSeriesCollection data = new XYSeriesCollection();
    List<ModelAnalyses> tracked = new java.util.ArrayList<>();
    for (ModelAnalyses m : models) {
      TimingReport t = m.timing().get(Split.TRAIN);
      if (t == null) {
        continue;
      }
      tracked.add(m);
      XYSeries s = new XYSeries(m.modelId());
      for (StepTracking k : t.getTracking()) {
        if (k.getAuc() != null) {
          s.add(k.getStep(), k.getAuc());
        }
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            task + ": online tracking (train sizes)",
            "recurrence step k",
            "AUC of λ at step k for \"already resolved\"",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer r = lines(plot);
    for (int i = 0; i < tracked.size(); i++) {
      r.setSeriesPaint(i, color(tracked.get(i).mechanism()));
    }
    plot.getRangeAxis().setRange(0, 1);
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    return new Figure(
        task + "-tracking",
        "Whether the halting probability at step k tells tokens the algorithm has already resolved"
            + " from those it has not (AUC; 0.5 is chance).",
        svg(chart),
        points(data));
  }

  private static int points(XYSeriesCollection data) {
    int n = 0;
    for (int i = 0; i < data.getSeriesCount(); i++) {
      n += data.getItemCount(i);
    }
    return n;
  }

  /** One color per mechanism in every figure, so ONLINE and EARLY read the same everywhere. */
  static Color color(dev.anira.schemas.Mechanism mechanism) {
    return switch (mechanism) {
      case ONLINE -> new Color(0x1f, 0x77, 0xb4);
      case EARLY -> new Color(0xff, 0x7f, 0x0e);
      case FIXED -> Color.DARK_GRAY;
    };
  }

  static String label(ModelAnalyses m, Split split) {
    return split == Split.TRAIN ? m.modelId() : m.modelId() + " (" + split + ")";
  }

  private static XYPlot panel(XYSeriesCollection data, String label, List<ModelAnalyses> models) {
    NumberAxis axis = new NumberAxis(label);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < models.size(); i++) {
      renderer.setSeriesPaint(i, color(models.get(i).mechanism()));
    }
    XYPlot p = new XYPlot(data, null, axis, renderer);
    p.setBackgroundPaint(Color.WHITE);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    return p;
  }

  private static XYLineAndShapeRenderer lines(XYPlot plot) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    plot.setRenderer(r);
    ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    return r;
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(titleFont());
    if (chart.getPlot() instanceof CategoryPlot p) {
      p.setBackgroundPaint(Color.WHITE);
      p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
  }

  private static Font titleFont() {
    return new Font(Font.SANS_SERIF, Font.BOLD, 14);
  }

  private static BasicStroke dashed() {
    return new BasicStroke(
        1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
  }

  private static String svg(JFreeChart chart) {
    return svg(chart, WIDTH, HEIGHT);
  }

  private static String svg(JFreeChart chart, int width, int height) {
    style(chart);
    SVGGraphics2D g2 = new SVGGraphics2D(width, height);
    chart.draw(g2, new Rectangle(0, 0, width, height));
    return g2.getSVGElement();
  }
}
