"""The web grid over 100,000 investors in headless Chromium (Debian's chromium + chromium-driver):
time to the first rendered rows, until all records are loaded, scroll frame times, and the round
trip of one cell edit, read from the page's own performance timeline. Writes its RESULTS.md section.
"""
import json
import sqlite3
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait

from common import Server, machine, percentile, write_section

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
EDITS = 30
LOADS = 5
# A jump of 2,400 px a frame (every row new) and a wheel-like 40 px (most rows stay).
SCROLL_STEPS = (2400, 40)


def chrome():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def scroll(driver, step):
    """Frame times while the grid scrolls `step` pixels every animation frame, from the top."""
    driver.execute_script("document.querySelector('.grid-scroll').scrollTop = 0")
    time.sleep(0.5)
    before = metrics(driver)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const step = arguments[0];
        const scroller = document.querySelector('.grid-scroll');
        const times = []; let last = null; let n = 0;
        function frame(now) {
          if (last !== null) times.push(now - last);
          last = now;
          scroller.scrollTop += step;
          if (++n < 240) requestAnimationFrame(frame); else done({times, rows: document.querySelectorAll('.grid-row').length});
        }
        requestAnimationFrame(frame);
    """, step)
    after = metrics(driver)
    frames = len(result["times"]) + 1
    # Main-thread work per frame (seconds in DevTools' counters → ms a frame).
    result["work"] = {name: (after[name] - before[name]) * 1000 / frames for name in WORK}
    return result


WORK = ("ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration")


def metrics(driver):
    """DevTools' cumulative main-thread counters for the page."""
    return {entry["name"]: entry["value"] for entry in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}


def main():
    server = Server(CRM_WRITE_RATE_PER_S="100000", CRM_WRITE_BURST="1000000")
    driver = None
    try:
        with sqlite3.connect(server.database) as db:
            db.executemany("INSERT INTO fundraising_investors (name, stage, check_size_min, location) VALUES (?, ?, ?, ?)",
                           [(f"Investor {n}", "prospect", n * 100, f"City {n % 97}") for n in range(1, ROWS + 1)])
        server.start()
        driver = chrome()
        driver.execute_cdp_cmd("Performance.enable", {"timeDomain": "timeTicks"})
        driver.get(server.url("/"))
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.NAME, "email"))
        driver.find_element(By.NAME, "email").send_keys("bench@example.com")
        driver.find_element(By.NAME, "password").send_keys(Server.password, Keys.ENTER)
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".grid-body .cell"))

        first, full = [], []
        for _ in range(LOADS):
            driver.refresh()
            WebDriverWait(driver, 600).until(
                lambda d: f"{ROWS:,} records" in d.find_element(By.CSS_SELECTOR, ".grid-footer").text)
            loaded = driver.execute_script("return performance.now()")
            mark = driver.execute_script("return performance.getEntriesByName('crm:first-rows')[0].startTime")
            first.append(mark)
            full.append(loaded)

        frames = {step: scroll(driver, step) for step in SCROLL_STEPS}

        driver.execute_script("document.querySelector('.grid-scroll').scrollTop = 0; document.querySelector('.grid').focus()")
        time.sleep(0.3)
        ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.HOME).key_up(Keys.CONTROL).perform()
        labels = driver.execute_script("return [...document.querySelectorAll('.grid-header .cell')].map(c => (c.querySelector('.label') || c).textContent)")
        ActionChains(driver).send_keys(*([Keys.ARROW_RIGHT] * (labels.index("Location") - 1))).perform()
        for n in range(EDITS):
            ActionChains(driver).send_keys(f"Somewhere {n}", Keys.ENTER, Keys.ARROW_UP).perform()
            WebDriverWait(driver, 30).until(
                lambda d: d.execute_script("return performance.getEntriesByName('crm:save').length") >= n + 1)
        saves = driver.execute_script("return performance.getEntriesByName('crm:save').map(e => e.duration)")
    finally:
        if driver:
            driver.quit()
        server.stop()

    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    work_rows = "\n".join(
        f"| {step:,} px | " + " | ".join(f"{frames[step]['work'][name]:.1f} ms" for name in WORK) + " |" for step in SCROLL_STEPS)
    scroll_rows = "\n".join(
        f"| scroll frame time, 240 frames of {step:,} px each | {percentile(frames[step]['times'], 0.5):.1f} ms "
        f"| {percentile(frames[step]['times'], 0.95):.1f} ms | {max(frames[step]['times']):.1f} ms |" for step in SCROLL_STEPS)
    text = f"""## The web grid over {ROWS:,} investors (bench/web.py)

Machine: {machine()}; {chromium}, headless, 1400 × 900.

| measure | p50 | p95 | max |
|---|---|---|---|
| first rows on screen, from navigation ({LOADS} loads) | {percentile(first, 0.5):.0f} ms | {percentile(first, 0.95):.0f} ms | {max(first):.0f} ms |
| all {ROWS:,} records loaded (pages of 1,000) | {percentile(full, 0.5) / 1000:.1f} s | {percentile(full, 0.95) / 1000:.1f} s | {max(full) / 1000:.1f} s |
{scroll_rows}
| one cell edit: `PATCH` round trip seen by the page ({EDITS} edits) | {percentile(saves, 0.5):.1f} ms | {percentile(saves, 0.95):.1f} ms | {max(saves):.1f} ms |

Main-thread work per scroll frame (DevTools `Performance.getMetrics`, averaged over the 240 frames):

| step | script | style | layout | all tasks |
|---|---|---|---|---|
{work_rows}

Rows in the page while scrolling: {frames[SCROLL_STEPS[0]]['rows']} (of {ROWS:,}). An edit shows in its cell at once
(before the round trip) and is tinted as pending until the server confirms it.
"""
    write_section("web", text)
    print(text)


if __name__ == "__main__":
    main()
