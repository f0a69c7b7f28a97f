package org.cmag.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian packages {@code chromium} and {@code chromium-driver}) driven through Selenium, for the
 * console tests: downloads go to a directory of the test, screenshots to {@code target/console-screenshots/} (test
 * artifact). Skips the calling test class loudly when the browser or its driver is not installed ({@code .ci/run}
 * installs both).
 */
final class ConsoleBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String SKIPPED = "chromium or chromedriver not installed (/usr/bin/chromium, /usr/bin/chromedriver) - console browser test"
            + " SKIPPED (CI installs them via .ci/run: apt-get install chromium chromium-driver)";
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    final ChromeDriver driver;
    final WebDriverWait wait;
    final Path downloads;

    private ConsoleBrowser(ChromeDriver driver, WebDriverWait wait, Path downloads) {
        this.driver = driver;
        this.wait = wait;
        this.downloads = downloads;
    }

    /** Skips the test (with the loud banner) unless Chromium and chromedriver are installed. */
    static void assumeInstalled() {
        boolean available = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!available) {
            System.err.println(SKIPPED);
        }
        Assumptions.assumeTrue(available, SKIPPED);
    }

    /** A fresh browser with its profile and download directory under {@code dir}. */
    static ConsoleBrowser start(Path dir, Duration timeout) throws IOException {
        assumeInstalled();
        Files.createDirectories(SCREENSHOTS);
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")), "--window-size=1500,1100");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toString()));
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.ignoring(StaleElementReferenceException.class); // the page re-renders its tables while a test waits
        return new ConsoleBrowser(driver, wait, downloads);
    }

    void screenshot(String name) throws IOException {
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
