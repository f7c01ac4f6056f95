"""How long a scripted review takes in `kg review`: the shipped article's draft (`kg extract` of data/articles/*,
in a scratch data folder without the curated facts) and the fictional one of tests/fixtures/review.

    python benchmarks/review.py [--screenshot docs/review.png]

For each draft: `kg review` is started, the page opened in headless Chromium (Debian's), every proposal decided
from the keyboard (`a` accepts and moves to the next; the hostile guesses of the fixture are rejected with `r`),
and Save pressed (which runs the loader's checks, then writes). Printed: proposals, keystrokes, and the seconds
for the page to show the draft, for the decisions, and for the save. These are the program's times; a person's
review is reading time on top, one keystroke per proposal when the draft is right. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM_ARGS  # noqa: E402


def start(data: Path, slug: str) -> tuple[subprocess.Popen, str]:
    """`kg review` run from the folder that holds `data`, so the page shows the path a user would see."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "review", slug, "--data", data.name, "--no-browser"],
        cwd=data.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    return process, re.search(r"http://\S+", line).group()


def review(browser, data: Path, slug: str, reject: tuple[str, ...] = (), screenshot: Path | None = None) -> dict:
    from playwright.sync_api import expect

    process, url = start(data, slug)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(".row")
        shown = time.perf_counter() - started
        total = int(page.locator("#progress").text_content().split(" of ")[1].split()[0])
        started = time.perf_counter()
        page.locator(".row").first.click()
        page.locator("#keys").click()
        keys = 0
        while page.locator(".row.selected").get_attribute("data-decision") == "pending":
            ident = page.locator(".row.selected").get_attribute("data-id")
            page.keyboard.press("r" if ident in reject else "a")
            keys += 1
            if keys == 6 and screenshot is not None:  # a review under way, the seventh proposal selected
                taken = time.perf_counter()
                page.screenshot(path=str(screenshot))
                started += time.perf_counter() - taken  # not part of the review
        decided = time.perf_counter() - started
        started = time.perf_counter()
        page.keyboard.press("Control+s")
        expect(page.locator("#status")).to_have_text(re.compile("^saved"), timeout=60_000)
        saved = time.perf_counter() - started
        page.close()
        return {"proposals": total, "keys": keys + 1, "shown": shown, "decided": decided, "saved": saved}
    finally:
        process.terminate()
        process.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screenshot", type=Path, default=None, help="save a screenshot of the shipped draft")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        shipped = Path(scratch) / "shipped" / "data"
        (shipped / "facts").mkdir(parents=True)
        shutil.copytree(ROOT / "data" / "articles", shipped / "articles")
        rows = []
        for article in sorted((shipped / "articles").glob("*.md")):
            subprocess.run(
                [sys.executable, "-m", "kg", "extract", f"data/articles/{article.name}", "--data", "data"],
                cwd=shipped.parent,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                check=True,
            )
            rows.append((article.stem, review(browser, shipped, article.stem, screenshot=args.screenshot)))
        fictional = Path(scratch) / "fictional" / "data"
        shutil.copytree(ROOT / "tests" / "fixtures" / "review", fictional)
        rows.append(
            ("harbor-valley-battery (fixture)", review(browser, fictional, "harbor-valley-battery", ("lobby-banner",)))
        )
        browser.close()
    print(f"{'draft':<40} {'proposals':>9} {'keys':>5} {'page s':>7} {'decide s':>9} {'save s':>7}")
    for name, r in rows:
        print(
            f"{name:<40} {r['proposals']:>9} {r['keys']:>5} {r['shown']:>7.2f} {r['decided']:>9.2f} {r['saved']:>7.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
