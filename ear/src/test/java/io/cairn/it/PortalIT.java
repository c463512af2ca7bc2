package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal as a scientist uses it, in headless Chromium: register a tool by pasting its CWL,
 * run it from the generated form with an uploaded file, watch the run page until it is COMPLETE,
 * read the command line and stdout, download the output, and find the run in the runs list.
 * Malformed CWL is refused with a message that names the line, and registers nothing.
 *
 * <p>Uses Debian's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}; both paths are
 * given explicitly so that Selenium Manager never runs (it would try to download a driver).
 */
@ExtendWith(CairnServer.class)
@Order(5)
class PortalIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PAGE = Duration.ofSeconds(15);
    private static final Duration RUN = Duration.ofSeconds(60);

    static Api api;
    static String base;
    static Path profile;
    static ChromeDriver browser;

    @BeforeAll
    static void openBrowser(CairnServer server) throws IOException {
        api = new Api(server);
        base = server.uri().toString();
        profile = Files.createTempDirectory("cairn-chromium");
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1100", "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void registersAToolRunsItOnAnUploadedFileAndDownloadsTheOutput() throws Exception {
        browser.get(base + "/");
        assertEquals("Tools", text(By.tagName("h1")));

        // register: type a name, paste the CWL, press Register
        browser.findElement(By.id("register:name")).sendKeys("head-portal");
        browser.findElement(By.id("register:document")).sendKeys(ToolRunIT.HEAD);
        browser.findElement(By.id("register:submit")).click();

        // the tool's page, with the registration confirmed
        waitFor(PAGE, d -> d.getCurrentUrl().contains("/tool.xhtml"));
        assertEquals("head-portal version 1", text(By.tagName("h1")));
        waitFor(PAGE, d -> text(By.cssSelector(".ui-growl")).contains("head-portal version 1 was created."));
        assertTrue(text(By.tagName("main")).contains("first lines of a file"));

        // the generated form: an int showing its default, a file to upload, each found by its label
        assertTrue(field("lines").getText().contains("Default: 2."), () -> field("lines").getText());
        assertEquals("2", labelled("lines").getAttribute("placeholder"));
        labelled("lines").sendKeys("3");
        Path greek = Files.createTempFile("greek", ".txt");
        greek.toFile().deleteOnExit();
        Files.writeString(greek, "alpha\nbeta\ngamma\ndelta\n");
        WebElement upload = labelled("file");
        assertEquals("file", upload.getAttribute("type"));
        upload.sendKeys(greek.toAbsolutePath().toString());
        assertTrue(field("file").getText().contains(greek.getFileName().toString()), () -> field("file").getText());
        browser.findElement(By.id("run:submit")).click();

        // the run's page polls itself until the run has ended
        waitFor(PAGE, d -> d.getCurrentUrl().contains("/run.xhtml?id="));
        String runId = browser.getCurrentUrl().replaceAll(".*[?&]id=([^&]+).*", "$1");
        assertEquals("Run of head-portal v1", text(By.tagName("h1")));
        waitFor(RUN, d -> List.of("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED").contains(text(By.id("run:state"))));
        assertEquals("COMPLETE", text(By.id("run:state")), () -> "run page: " + text(By.tagName("main")));
        assertEquals("0", text(By.id("run:exit")));
        String command = text(By.id("cmd"));
        assertTrue(command.startsWith("head -n 3 /") && command.endsWith("/" + greek.getFileName()), command);
        waitFor(PAGE, d -> text(By.id("stdout")).equals("alpha\nbeta\ngamma"));
        assertEquals("", text(By.id("stderr")));
        assertTrue(browser.findElements(By.id("run:cancel")).isEmpty(), "an ended run offers no Cancel");

        // the output, downloaded through its link
        WebElement download = browser.findElement(By.id("run:outputs")).findElement(By.linkText("head.txt"));
        Api.Answer file = api.get(download.getAttribute("href")).expect(200);
        assertArrayEquals("alpha\nbeta\ngamma\n".getBytes(StandardCharsets.UTF_8), file.bytes());
        assertTrue(text(By.id("run:outputs")).contains("first"));

        Path shot = Path.of("target", "portal-run.png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);

        // the runs list, reached from the header
        browser.findElement(By.linkText("Runs")).click();
        waitFor(PAGE, d -> d.getCurrentUrl().contains("/runs.xhtml"));
        WebElement row = browser.findElement(By.id("runs:table")).findElement(By.linkText(runId))
                .findElement(By.xpath("./ancestor::tr"));
        assertTrue(row.getText().contains("head-portal v1") && row.getText().contains("COMPLETE"), row.getText());
        row.findElement(By.linkText(runId)).click();
        waitFor(PAGE, d -> d.getCurrentUrl().contains("/run.xhtml?id=" + runId));
        assertEquals("COMPLETE", text(By.id("run:state")));
    }

    static final String ECHO_THEN_CAT = """
            cwlVersion: v1.2
            class: Workflow
            label: says a word and copies it
            inputs: {word: string}
            outputs:
              copy: {type: File, outputSource: second/out}
            steps:
              first:
                run:
                  class: CommandLineTool
                  baseCommand: echo
                  inputs: {w: {type: string, inputBinding: {position: 1}}}
                  stdout: said.txt
                  outputs: {out: stdout}
                in: {w: word}
                out: [out]
              second:
                run:
                  class: CommandLineTool
                  baseCommand: cat
                  inputs: {f: {type: File, inputBinding: {position: 1}}}
                  stdout: copy.txt
                  outputs: {out: stdout}
                in: {f: first/out}
                out: [out]
            """;

    @Test
    void registersAWorkflowRunsItAndShowsItsSteps() throws Exception {
        browser.get(base + "/");
        browser.findElement(By.linkText("Workflows")).click();
        waitFor(PAGE, d -> d.getCurrentUrl().contains("/workflows.xhtml"));
        assertEquals("Workflows", text(By.tagName("h1")));
        browser.findElement(By.id("register:name")).sendKeys("echo-cat-portal");
        browser.findElement(By.id("register:document")).sendKeys(ECHO_THEN_CAT);
        browser.findElement(By.id("register:submit")).click();

        waitFor(PAGE, d -> d.getCurrentUrl().contains("/workflow.xhtml"));
        assertEquals("echo-cat-portal workflow, version 1", text(By.tagName("h1")));
        assertTrue(text(By.tagName("main")).contains("says a word and copies it"));
        labelled("word").sendKeys("pebble");
        browser.findElement(By.id("run:submit")).click();

        waitFor(PAGE, d -> d.getCurrentUrl().contains("/run.xhtml?id="));
        String runId = browser.getCurrentUrl().replaceAll(".*[?&]id=([^&]+).*", "$1");
        assertEquals("Run of echo-cat-portal workflow v1", text(By.tagName("h1")));
        waitFor(RUN, d -> List.of("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED").contains(text(By.id("run:state"))));
        assertEquals("COMPLETE", text(By.id("run:state")), () -> "run page: " + text(By.tagName("main")));
        // one row per step instance, both done once
        waitFor(PAGE, d -> d.findElements(By.cssSelector("tbody[id='run:steps_data'] tr")).size() == 2);
        List<WebElement> rows = browser.findElements(By.cssSelector("tbody[id='run:steps_data'] tr"));
        assertTrue(rows.get(0).getText().startsWith("first COMPLETE 1"), rows.get(0).getText());
        assertTrue(rows.get(1).getText().startsWith("second COMPLETE 1"), rows.get(1).getText());
        assertTrue(browser.findElements(By.id("cmd")).isEmpty(), "a workflow run has steps, not one command line");
        WebElement download = browser.findElement(By.id("run:outputs")).findElement(By.linkText("copy.txt"));
        assertArrayEquals("pebble\n".getBytes(StandardCharsets.UTF_8), api.get(download.getAttribute("href")).expect(200).bytes());
        assertEquals(2, api.get("/api/v1/runs/" + runId + "/steps").expect(200).json().getJsonArray("items").size());

        browser.findElement(By.linkText("Workflows")).click();
        waitFor(PAGE, d -> d.getCurrentUrl().contains("/workflows.xhtml"));
        assertFalse(browser.findElement(By.id("workflows:table")).findElements(By.linkText("echo-cat-portal")).isEmpty());
        browser.findElement(By.linkText("Tools")).click();
        waitFor(PAGE, d -> d.getCurrentUrl().contains("/index.xhtml") || d.getCurrentUrl().endsWith("/"));
        assertTrue(browser.findElement(By.id("tools:table")).findElements(By.linkText("echo-cat-portal")).isEmpty(),
                "workflows are listed apart from tools");
    }

    @Test
    void malformedCwlIsRefusedWithTheLineAndRegistersNothing() {
        browser.get(base + "/");
        browser.findElement(By.id("register:name")).sendKeys("broken-portal");
        browser.findElement(By.id("register:document")).sendKeys("""
                cwlVersion: v1.2
                class: CommandLineTool
                baseCommand: echo
                inputs: [
                """);
        browser.findElement(By.id("register:submit")).click();

        waitFor(PAGE, d -> !d.findElements(By.cssSelector("#register\\:messages .ui-messages-error")).isEmpty());
        String message = text(By.id("register:messages"));
        assertTrue(message.contains("Not registered") && message.matches("(?s).*line \\d+.*"), message);
        assertTrue(browser.getCurrentUrl().contains("/index.xhtml") || browser.getCurrentUrl().endsWith("/"), browser.getCurrentUrl());
        // what was typed is still there to be fixed
        assertEquals("broken-portal", browser.findElement(By.id("register:name")).getAttribute("value"));
        assertTrue(browser.findElement(By.id("register:document")).getAttribute("value").contains("inputs: ["));
        assertTrue(browser.findElement(By.id("tools:table")).findElements(By.linkText("broken-portal")).isEmpty());
        api.get("/api/v1/tools/broken-portal").expect(404);
    }

    @Test
    void addsAPoolOnThePoolsPageRefusesABadOneAndRemovesIt() {
        browser.get(base + "/pools.xhtml");
        assertEquals("Compute pools", text(By.tagName("h1")));
        browser.findElement(By.id("add:name")).sendKeys("portal-pool");
        browser.findElement(By.id("add:kind")).click();
        waitFor(PAGE, d -> d.findElement(By.id("add:kind_items")).isDisplayed());
        browser.findElement(By.cssSelector("#add\\:kind_items li[data-label='local']")).click();
        waitFor(PAGE, d -> d.findElement(By.id("add:help")).getText().contains("at once"));
        browser.findElement(By.id("add:properties")).sendKeys("slots=3\nslot=4");
        browser.findElement(By.id("add:create")).click();
        waitFor(PAGE, d -> !d.findElements(By.cssSelector("#add\\:messages .ui-messages-error")).isEmpty());
        String refused = text(By.id("add:messages"));
        assertTrue(refused.contains("Pool not created") && refused.contains("no property 'slot'"), refused);
        api.get("/api/v1/pools/portal-pool").expect(404);

        browser.findElement(By.id("add:properties")).clear();
        browser.findElement(By.id("add:properties")).sendKeys("slots=3");
        browser.findElement(By.id("add:create")).click();
        waitFor(PAGE, d -> d.findElement(By.id("pools:table")).getText().contains("portal-pool"));
        JsonObject pool = api.get("/api/v1/pools/portal-pool").expect(200).json();
        assertEquals("api", pool.getString("source"));
        assertEquals(3, pool.getInt("slots"), pool::toString);
        assertEquals("UP", pool.getString("health"), pool::toString);

        WebElement row = browser.findElement(By.xpath("//tbody[@id='pools:table_data']/tr[td[1][normalize-space(.)='portal-pool']]"));
        row.findElement(By.xpath(".//button[contains(@id,':remove')]")).click();
        waitFor(PAGE, d -> d.findElement(By.cssSelector(".ui-confirmdialog-yes")).isDisplayed());
        browser.findElement(By.cssSelector(".ui-confirmdialog-yes")).click();
        waitFor(PAGE, d -> !d.findElement(By.id("pools:table")).getText().contains("portal-pool"));
        api.get("/api/v1/pools/portal-pool").expect(404);
    }

    /** The run form's field (label, control, hint) for one CWL input. */
    private static WebElement field(String input) {
        return label(input).findElement(By.xpath("./ancestor::div[contains(@class,'field')][1]"));
    }

    /** The control a run form label is for, found the way assistive technology finds it. */
    private static WebElement labelled(String input) {
        return browser.findElement(By.id(label(input).getAttribute("for")));
    }

    private static WebElement label(String input) {
        return browser.findElement(By.xpath("//form[@id='run']//label[starts-with(normalize-space(.),'" + input + " ')]"));
    }

    /** The visible text of an element, looked up afresh (the polling pages replace their elements). */
    private static String text(By by) {
        for (int attempt = 0; ; attempt++) {
            try {
                return browser.findElement(by).getText();
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static void waitFor(Duration timeout, Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, timeout, Duration.ofMillis(250))
                .ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }
}
