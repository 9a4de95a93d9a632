#!/usr/bin/env python3
"""Browser test of the search page served by `newsearch serve` (issue #5).

Usage:
  python3 tests/e2e/browser_test.py --newsindex build/indexer/newsindex \\
      --newsearch build/searcher/newsearch --sample data/sample --out /tmp/shots

Needs Python 3 and, from Debian: python3-selenium, chromium, chromium-driver
(apt-get install -y chromium chromium-driver python3-selenium). No network.
If the python3 on PATH is not Debian's, Debian's dist-packages are tried for
selenium. If anything is missing, says what and exits 1.

What it does: indexes the sample corpus into a temporary directory, starts
`newsearch serve --db TMP/db --listen 127.0.0.1:0 --port-file TMP/port`
(waits up to 10 s for the port file), opens http://127.0.0.1:PORT/ in
headless Chromium and checks:
  - searching "strike" from #q shows results, a total and <mark> elements in
    the snippets (and no literal "<mark>" text);
  - "+N more reports" expands inline with the story's other reports;
  - a topic facet checkbox narrows the total and puts filter=topic:... in the
    URL; unchecking it restores the total;
  - clicking a histogram bar narrows the total and puts date=... in the URL;
    "clear date" restores it; dragging across bars selects a date range;
  - Back (popstate) restores the previous search; Next goes to page 2;
  - the browser console has no errors;
and saves screenshots (browser_test.png, browser_test_phone.png) to --out.
Exits non-zero with a message on failure (and saves browser_test_failure.png);
the server is always stopped.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

TIMEOUT = 10  # seconds for every explicit wait


class Failure(Exception):
    pass


def import_selenium():
    try:
        import selenium  # noqa: F401
    except ImportError:
        debian = "/usr/lib/python3/dist-packages"
        if os.path.isdir(os.path.join(debian, "selenium")) and debian not in sys.path:
            sys.path.append(debian)
    try:
        from selenium import webdriver  # noqa: F401
        return True
    except ImportError:
        return False


def find_program(*names):
    for name in names:
        path = shutil.which(name) or (name if os.access(name, os.X_OK) else None)
        if path:
            return path
    return None


def check_prerequisites():
    missing = []
    if not import_selenium():
        missing.append("python3-selenium (the selenium module)")
    chromium = find_program("/usr/bin/chromium", "chromium", "chromium-browser")
    driver = find_program("/usr/bin/chromedriver", "chromedriver")
    if not chromium:
        missing.append("chromium (/usr/bin/chromium)")
    if not driver:
        missing.append("chromium-driver (/usr/bin/chromedriver)")
    if missing:
        print("browser_test: missing: " + ", ".join(missing), file=sys.stderr)
        print("browser_test: apt-get install -y chromium chromium-driver python3-selenium",
              file=sys.stderr)
        sys.exit(1)
    return chromium, driver


def start_server(newsearch, db, tmp):
    port_file = os.path.join(tmp, "port")
    log = open(os.path.join(tmp, "server.log"), "w+")
    proc = subprocess.Popen(
        [newsearch, "serve", "--db", db, "--listen", "127.0.0.1:0", "--port-file", port_file],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with open(port_file) as f:
                text = f.read().strip()
            if text.isdigit():
                return proc, int(text), log
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    log.seek(0)
    output = log.read()
    stop_server(proc)
    raise Failure("the server did not write its port to %s within 10 s (exit status %s); "
                  "its output:\n%s" % (port_file, proc.returncode, output))


def stop_server(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Page:
    """The search page in the browser, with the waits the checks need."""

    def __init__(self, driver):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        self.d = driver
        self.By = By
        self.wait = WebDriverWait(driver, TIMEOUT, poll_frequency=0.05)

    def css(self, selector):
        return self.d.find_elements(self.By.CSS_SELECTOR, selector)

    def one(self, selector):
        found = self.css(selector)
        if not found:
            raise Failure("nothing on the page matches %s" % selector)
        return found[0]

    def until(self, what, condition):
        from selenium.common.exceptions import TimeoutException
        try:
            return self.wait.until(lambda d: condition())
        except TimeoutException:
            raise Failure("timed out after %d s waiting for %s (URL %s, total %r, error %r)"
                          % (TIMEOUT, what, self.d.current_url, self.total_text(), self.error()))

    def idle(self):
        """Waits until the page has no search in flight."""
        self.until("the search to finish", lambda: self.d.execute_script(
            "return document.readyState === 'complete' && "
            "!document.body.classList.contains('loading')"))
        if self.error():
            raise Failure("the page shows an error: %s" % self.error())

    def error(self):
        return self.d.execute_script(
            "const e = document.getElementById('error'); return e && !e.hidden ? e.textContent : ''")

    def total_text(self):
        found = self.css("#total")
        return found[0].text if found else None

    def total(self):
        m = re.match(r"(?:about )?([\d,.\u202f\u00a0]+) (?:stor|report)", self.total_text() or "")
        if not m:
            raise Failure("cannot read a total from #total: %r" % self.total_text())
        return int(re.sub(r"\D", "", m.group(1)))

    def params(self):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.d.current_url).query)

    def act(self, what, action, url_check):
        """Does action, then waits for the URL to satisfy url_check and the search to end."""
        action()
        self.until(what, lambda: url_check(self.params()))
        self.idle()


def run_checks(driver, base, out):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    page = Page(driver)

    driver.get(base + "/")
    page.idle()

    # Search from the box.
    box = page.one("#q")
    box.clear()
    box.send_keys("strike")
    page.act("q=strike in the URL", lambda: box.send_keys(Keys.ENTER),
             lambda p: p.get("q") == ["strike"])
    results = page.css("#results li.result")
    if not results:
        raise Failure("searching 'strike' showed no li.result")
    if not all(r.get_attribute("data-id") for r in results):
        raise Failure("a result has no data-id")
    total_all = page.total()
    print("strike: %d results on the page, total %r" % (len(results), page.total_text()))

    marks = page.css("#results li.result .snippet mark")
    if not marks or not any(m.text.strip() for m in marks):
        raise Failure("no snippet has a <mark> element")
    if any("<mark>" in s.text or "&lt;" in s.text for s in page.css("#results .snippet")):
        raise Failure("a snippet shows markup as text")
    print("snippets: %d <mark> elements, e.g. %r" % (len(marks), marks[0].text))

    # "+N more reports" lists the story's other reports inline.
    more = page.css("#results li.result .more-reports")
    if more:
        more[0].click()
        page.until("the story's other reports", lambda: page.css(".story-reports li.report"))
        print("more reports: %r expanded to %d report(s)"
              % (more[0].get_attribute("aria-controls"), len(page.css(".story-reports li.report"))))
    else:
        print("note: no folded story on the first page; '+N more reports' not checked")

    # A topic facet narrows the search; unchecking it restores it.
    def narrowing_topic():
        for box in page.css('input.facet-checkbox[data-facet="topic"]'):
            label = box.find_element(page.By.XPATH, "./..")
            counts = label.find_elements(page.By.CSS_SELECTOR, ".facet-count")
            if counts and 0 < int(re.sub(r"\D", "", counts[0].text) or 0) < total_all:
                return box
        raise Failure("no topic facet has a count between 0 and the total %d" % total_all)
    topic = narrowing_topic()
    value = topic.get_attribute("data-value")
    wanted = "topic:" + value
    page.act("%s in the URL" % wanted, topic.click, lambda p: wanted in p.get("filter", []))
    total_topic = page.total()
    if not total_topic < total_all:
        raise Failure("checking topic %r did not narrow the total (%d -> %d)"
                      % (value, total_all, total_topic))
    checked = page.one('input.facet-checkbox[data-facet="topic"][data-value="%s"]' % value)
    if not checked.is_selected():
        raise Failure("the topic checkbox %r is not checked after the search" % value)
    print("topic %r: total %d -> %d, URL %s" % (value, total_all, total_topic, driver.current_url))
    page.act("the filter to leave the URL", checked.click, lambda p: "filter" not in p)
    if page.total() != total_all:
        raise Failure("unchecking the topic gave total %d, not %d" % (page.total(), total_all))

    # Back (popstate) restores the filtered search, Forward the unfiltered one.
    page.act("Back to restore the filter", driver.back, lambda p: wanted in p.get("filter", []))
    if page.total() != total_topic:
        raise Failure("Back showed total %d, not %d" % (page.total(), total_topic))
    page.act("Forward to drop the filter", driver.forward, lambda p: "filter" not in p)
    print("history: Back and Forward restore the searches")

    # A histogram bar narrows to its bucket; "clear date" restores.
    bars = [b for b in page.css(".bar[data-key]")
            if 0 < int(b.get_attribute("data-count")) < total_all]
    if not bars:
        raise Failure("no histogram bar has a count between 0 and the total %d" % total_all)
    bar = max(bars, key=lambda b: int(b.get_attribute("data-count")))
    key = bar.get_attribute("data-key")
    page.act("date= in the URL", bar.click, lambda p: "date" in p)
    date = page.params()["date"][0]
    total_date = page.total()
    if not date.startswith(key[:10]) or not total_date < total_all or total_date == 0:
        raise Failure("clicking bar %s gave date=%s and total %d (of %d)"
                      % (key, date, total_date, total_all))
    print("bar %s: date=%s, total %d -> %d" % (key, date, total_all, total_date))
    page.act("the date to leave the URL", page.one("#clear-date").click, lambda p: "date" not in p)
    if page.total() != total_all:
        raise Failure("clear date gave total %d, not %d" % (page.total(), total_all))

    # Dragging across the first half of the bars selects a range.
    bars = page.css(".bar[data-key]")
    if len(bars) >= 3:
        first, last = bars[0], bars[len(bars) // 2]
        ActionChains(driver).click_and_hold(first).move_to_element(last).release().perform()
        page.until("a date range from brushing", lambda: ".." in page.params().get("date", [""])[0])
        page.idle()
        date = page.params()["date"][0]
        start, end = date.split("..")
        if not start or not end or start >= end or not page.total() < total_all:
            raise Failure("brushing gave date=%s and total %d (of %d)" % (date, page.total(), total_all))
        print("brush: date=%s, total %d" % (date, page.total()))
        page.act("the date to leave the URL", page.one("#clear-date").click,
                 lambda p: "date" not in p)

    # Pagination.
    if total_all > len(results) and page.one("#next").is_enabled():
        page.act("page=2 in the URL", page.one("#next").click, lambda p: p.get("page") == ["2"])
        if not page.css("#results li.result") or "Page 2 of" not in page.one("#page-info").text:
            raise Failure("page 2 shows %r" % page.one("#page-info").text)
        print("pagination: %s" % page.one("#page-info").text)
        page.act("page 1 again", page.one("#prev").click, lambda p: "page" not in p)

    driver.save_screenshot(os.path.join(out, "browser_test.png"))

    # On a phone-sized screen the facets fold above the results.
    driver.set_window_size(390, 844)
    page.until("the narrow layout", lambda: page.one("#facets").rect["y"] < page.one("#results").rect["y"])
    driver.save_screenshot(os.path.join(out, "browser_test_phone.png"))

    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    if errors:
        raise Failure("the browser console has errors: %s" % "; ".join(e["message"] for e in errors))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--newsindex", required=True)
    parser.add_argument("--newsearch", required=True)
    parser.add_argument("--sample", required=True, help="the sample corpus directory")
    parser.add_argument("--out", required=True, help="where screenshots go")
    args = parser.parse_args()
    chromium, chromedriver = check_prerequisites()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="browser_test.")
    server = driver = None
    try:
        db = os.path.join(tmp, "db")
        index = subprocess.run([args.newsindex, "--db", db, args.sample],
                               capture_output=True, text=True)
        if index.returncode != 0:
            raise Failure("newsindex failed (%d): %s" % (index.returncode, index.stderr.strip()))
        server, port, log = start_server(args.newsearch, db, tmp)
        base = "http://127.0.0.1:%d" % port

        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1000", "--lang=en-US", "--no-first-run",
                     "--user-data-dir=" + os.path.join(tmp, "chromium")):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        try:
            run_checks(driver, base, args.out)
        except Exception:
            driver.save_screenshot(os.path.join(args.out, "browser_test_failure.png"))
            raise
        print("browser_test: passed; screenshots in %s" % args.out)
        return 0
    except Exception as e:  # a Failure, or selenium's own (no browser, a crash...)
        message = str(e) if isinstance(e, Failure) else "%s: %s" % (type(e).__name__, e)
        print("browser_test: FAILED: %s" % message.strip(), file=sys.stderr)
        if server is not None:
            log.seek(0)
            tail = log.read()[-2000:]
            if tail:
                print("server log (tail):\n" + tail, file=sys.stderr)
        return 1
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
