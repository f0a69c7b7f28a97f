package org.cmag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmag.demo.GatewayPair;
import org.cmag.policy.Partner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The legal-officer console in a real headless Chromium against two real gateways (NL, DE; gateway.auth.mode none, so
 * the page calls the API directly): real exchanges (one delivered, one refused), then the officer searches, pages,
 * opens a case timeline, exports the evidence bundle and downloads the CSV. Screenshots go to
 * {@code target/console-screenshots/} (test artifact). Skipped loudly when chromium or chromedriver is not installed
 * ({@code .ci/run} installs both).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static GatewayPair pair;
    static ConsoleBrowser chromium;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static Path downloads;
    static String caseId;

    @BeforeAll
    static void start() throws IOException {
        ConsoleBrowser.assumeInstalled();
        byte[] example;
        try (InputStream in = ConsoleBrowserTest.class.getClassLoader().getResourceAsStream("examples/assistance-request.json")) {
            example = in.readAllBytes();
        }
        pair = new GatewayPair(root, Map.of()).start(Partner.Channel.REST);
        String json = new String(example, StandardCharsets.UTF_8).replace("VERIFICATION_OF_DECLARATION", "VERIFICATION_OF_ORIGIN");
        HttpResponse<String> accepted = pair.submit(json.getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode a = new ObjectMapper().readTree(accepted.body());
        caseId = a.get("caseId").asText();
        String messageId = a.get("messageId").asText();
        await().atMost(WAIT).until(() -> pair.nl().outbound().status(messageId), s -> s.equals(Optional.of("DELIVERED")));
        HttpResponse<String> refused = pair.submit(json.replace("CUSTOMS_VALUE", "TAX_COLLECTION").getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);

        chromium = ConsoleBrowser.start(root, WAIT);
        browser = chromium.driver;
        wait = chromium.wait;
        downloads = chromium.downloads;
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    static void screenshot(String name) throws IOException {
        chromium.screenshot(name);
    }

    static WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    static void fill(String field, String value) {
        WebElement input = id("f-" + field);
        input.clear();
        input.sendKeys(value);
    }

    static String resultsText() {
        return id("results").getText();
    }

    @Test
    @Order(1)
    void theOfficerOpensTheConsoleSeesAnIntactChainAndTheNewestRecords() throws IOException {
        browser.get(pair.nl().httpBase() + "/console/");
        wait.until(d -> id("chain-status").getText().startsWith("Chain intact"));
        wait.until(d -> resultsText().contains("submission-rejected"));
        assertThat(browser.getTitle()).contains("audit log");
        assertThat(id("who").getText()).contains("No login");
        // labelled form fields: every input has its label
        assertThat(browser.findElements(By.cssSelector("#search-form label input, #search-form label select"))).hasSize(11);
        screenshot("01-console-opened");
    }

    @Test
    @Order(2)
    void searchingForRefusalsShowsTheRefusedSubmissionWithItsCode() throws IOException {
        fill("partner", "DE");
        new Select(id("f-outcome")).selectByValue("REJECTED");
        id("search").click();
        wait.until(d -> id("results-summary").getText().startsWith("Showing"));
        List<WebElement> rows = id("results").findElements(By.cssSelector("tbody tr"));
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.getText()).contains("REJECTED"));
        assertThat(resultsText()).contains("submission-rejected").contains("purpose_not_permitted").doesNotContain("message-sealed");
        screenshot("02-search-refusals");
    }

    @Test
    @Order(3)
    void pagingMovesToOlderAndBackToNewerRecords() {
        id("clear").click();
        wait.until(d -> id("f-partner").getAttribute("value").isEmpty());
        new Select(id("f-limit")).selectByVisibleText("10");
        id("search").click();
        wait.until(d -> id("results").findElements(By.cssSelector("tbody tr")).size() == 10);
        String first = id("results").findElement(By.cssSelector("tbody tr td")).getText();
        id("next-page").click();
        wait.until(d -> id("page-info").getText().equals("Page 2"));
        String second = id("results").findElement(By.cssSelector("tbody tr td")).getText();
        assertThat(Long.parseLong(second)).isLessThan(Long.parseLong(first));
        id("prev-page").click();
        wait.until(d -> id("page-info").getText().equals("Page 1"));
        assertThat(id("results").findElement(By.cssSelector("tbody tr td")).getText()).isEqualTo(first);
        assertThat(id("prev-page").isEnabled()).isFalse();
    }

    @Test
    @Order(4)
    void clickingACaseOpensItsTimelineWithWhatWasWithheld() throws IOException {
        fill("case", caseId);
        id("search").click();
        wait.until(d -> !browser.findElements(By.cssSelector("button.case-link")).isEmpty()
                && browser.findElements(By.cssSelector("button.case-link")).stream().allMatch(b -> b.getText().equals(caseId)));
        browser.findElements(By.cssSelector("button.case-link")).get(0).click();
        wait.until(d -> id("timeline-section").isDisplayed());
        String timeline = id("timeline").getText();
        assertThat(id("timeline-heading").getText()).isEqualTo("Case timeline: " + caseId);
        assertThat(timeline).contains("submission-received", "policy-applied", "message-sealed", "receipt-verified").contains("Sent");
        assertThat(id("timeline").findElements(By.cssSelector("td.withheld")).stream().map(WebElement::getText))
                .anySatisfy(w -> assertThat(w).contains("drop").contains("42A/"));
        assertThat(id("case-summary").getText()).contains("DE").contains("VERIFICATION_OF_ORIGIN");
        screenshot("03-case-timeline");
    }

    @Test
    @Order(5)
    void exportEvidenceDownloadsTheCasesSignedBundle() throws IOException {
        id("export-evidence").click();
        Path bundle = downloads.resolve("evidence-" + caseId + ".zip");
        await().atMost(WAIT).until(() -> Files.exists(bundle) && Files.size(bundle) > 0);
        wait.until(d -> id("message").getText().contains("Downloaded evidence-" + caseId + ".zip"));
        // what the officer hands over verifies offline against the gateway's CA
        org.cmag.evidence.BundleVerifier.Result result = org.cmag.evidence.BundleVerifier.verify(bundle,
                org.cmag.crypto.KeyStores.readPem(root.resolve("pki").resolve("ca.crt")));
        assertThat(result.problem()).as(result.summary()).isEmpty();
        screenshot("04-export-evidence");
    }

    @Test
    @Order(6)
    void downloadCsvSavesTheSearchResultAsCsv() throws IOException {
        id("back-to-results").click();
        wait.until(d -> id("search-section").isDisplayed());
        fill("case", "");
        fill("partner", "DE");
        new Select(id("f-outcome")).selectByValue("REJECTED");
        id("download-csv").click();
        Path csv = downloads.resolve("audit-events.csv");
        await().atMost(WAIT).until(() -> Files.exists(csv) && Files.size(csv) > 0);
        wait.until(d -> id("message").getText().contains("Downloaded audit-events.csv"));
        String content = Files.readString(csv, StandardCharsets.UTF_8);
        String[] lines = content.split("\r\n");
        assertThat(lines[0]).startsWith("seq,occurred_at,event_type,outcome,actor,partner,");
        assertThat(lines).hasSizeGreaterThan(1);
        for (int i = 1; i < lines.length; i++) {
            assertThat(lines[i]).contains(",REJECTED,").contains(",DE,");
        }
        assertThat(content).contains("submission-rejected").contains("purpose_not_permitted");
        screenshot("05-csv-downloaded");
        // the officer's reads are on the log
        assertThat(pair.nl().audit().all()).filteredOn(r -> r.event().type().equals("audit-log-accessed"))
                .extracting(r -> r.event().detail()).contains("csv export partner=DE outcome=REJECTED", "case timeline case=" + caseId,
                        "evidence export case=" + caseId, "chain verification");
    }
}
