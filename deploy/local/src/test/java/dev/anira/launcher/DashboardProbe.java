package dev.anira.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Loads the dashboard or a report in a headless Chromium (Debian's chromium and chromium-driver,
 * never a download) and reads what each chart or figure drew.
 */
final class DashboardProbe {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final List<String> CHARTS =
      List.of("rho", "heatmap", "timing", "tracking", "generalization", "convergence", "timeline");

  private DashboardProbe() {}

  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
  }

  /**
   * What the dashboard drew in three views: the overview (no task chosen), one task's page, and
   * that page for one mechanism; points per chart in each. The task page's charts are drawn (for
   * every task) while hidden behind the overview too.
   *
   * @param overviewCells task cells of the overview, and the heatmap cells they drew in total
   * @param trainingRunPoints evaluations drawn on the training runs' charts
   */
  record Views(
      Map<String, Integer> overview,
      int overviewCells,
      int overviewHeatmapCells,
      int trainingRunPoints,
      Map<String, Integer> task,
      Map<String, Integer> taskAndMechanism) {}

  /**
   * Opens the page, waits until every chart has points (or the timeout), then chooses {@code task}
   * and then {@code mechanism} in the page's selectors; a screenshot of each view goes to {@code
   * dir} (dashboard.png, dashboard-TASK.png, dashboard-TASK-MECHANISM.png).
   */
  static Views views(String url, Path dir, Duration timeout, String task, String mechanism)
      throws Exception {
    WebDriver browser = start();
    try {
      browser.get(url);
      Map<String, Integer> overview = new LinkedHashMap<>();
      try {
        new WebDriverWait(browser, timeout)
            .until(
                b -> {
                  read(b, overview);
                  return overview.values().stream().allMatch(n -> n > 0);
                });
      } catch (org.openqa.selenium.TimeoutException incomplete) {
        // the caller's assertion names the empty charts
      }
      Files.createDirectories(dir);
      screenshot(browser, dir.resolve("dashboard.png"));
      int cells = browser.findElements(By.cssSelector("#cells .cell")).size();
      String drawn = browser.findElement(By.id("cells")).getDomAttribute("data-points");
      String runs = browser.findElement(By.id("runs")).getDomAttribute("data-points");
      choose(browser, "task", task);
      Map<String, Integer> taskView = settled(browser);
      screenshot(browser, dir.resolve("dashboard-" + task + ".png"));
      choose(browser, "mechanism", mechanism);
      Map<String, Integer> both = settled(browser);
      screenshot(browser, dir.resolve("dashboard-" + task + "-" + mechanism + ".png"));
      return new Views(
          overview,
          cells,
          drawn == null ? 0 : Integer.parseInt(drawn),
          runs == null ? 0 : Integer.parseInt(runs),
          taskView,
          both);
    } finally {
      browser.quit();
    }
  }

  /** Picks {@code value} in a selector as a user would; again if a refresh replaced the list. */
  private static void choose(WebDriver browser, String id, String value) {
    for (int attempt = 1; ; attempt++) {
      try {
        new Select(browser.findElement(By.id(id))).selectByValue(value);
        return;
      } catch (org.openqa.selenium.StaleElementReferenceException replaced) {
        if (attempt == 3) {
          throw replaced;
        }
      }
    }
  }

  /** Points per chart after a selection: the change handler redraws at once. */
  private static Map<String, Integer> settled(WebDriver browser) throws InterruptedException {
    Thread.sleep(500); // and lets the browser paint before the screenshot
    Map<String, Integer> points = new LinkedHashMap<>();
    read(browser, points);
    return points;
  }

  private static void screenshot(WebDriver browser, Path file) throws Exception {
    Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  /**
   * What the browser drew of a report figure.
   *
   * @param shapes SVG shapes (paths, rectangles, lines, ellipses) laid out with a non-empty box
   * @param points the data values the report says the figure plots
   */
  record Drawn(int shapes, int points) {}

  /** Opens a report file, saves a screenshot and returns what each figure drew. */
  static Map<String, Drawn> drawnPerFigure(Path html, Path screenshot) throws Exception {
    WebDriver browser = start();
    try {
      browser.get(html.toUri().toString());
      Map<String, Drawn> drawn = new LinkedHashMap<>();
      for (var figure : browser.findElements(By.cssSelector("figure[data-figure]"))) {
        Object shapes =
            ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript(
                    "return [...arguments[0].querySelectorAll('svg path, svg rect, svg line,"
                        + " svg ellipse')].filter(e => { const b = e.getBBox();"
                        + " return b.width > 0 || b.height > 0; }).length;",
                    figure);
        drawn.put(
            figure.getDomAttribute("data-figure"),
            new Drawn(
                ((Number) shapes).intValue(),
                Integer.parseInt(figure.getDomAttribute("data-points"))));
      }
      Files.createDirectories(screenshot.getParent());
      Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
      return drawn;
    } finally {
      browser.quit();
    }
  }

  private static WebDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,2000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }

  private static void read(WebDriver browser, Map<String, Integer> points) {
    for (String chart : CHARTS) {
      String value = browser.findElement(By.id(chart)).getDomAttribute("data-points");
      points.put(chart, value == null ? 0 : Integer.parseInt(value));
    }
  }
}
