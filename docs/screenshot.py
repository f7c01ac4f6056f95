"""Take the screenshot of the HTML page that the README and the docs show (docs/kg-page.png).

    python3 docs/screenshot.py [BUILD_DIR]     # default: build (run `kg build` first)

Debian's Chromium, driven by Playwright, with every network request refused: the page works offline. The page
is searched for Hai Yu, so the panel shows a person's statements with the quotes that support them. The PNG is
reduced to 128 colours so that it stays small in git (about 90 KB).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "kg-page.png"


def main(argv: list[str]) -> int:
    page_file = Path(argv[0] if argv else "build").resolve() / "kg.html"
    if not page_file.is_file():
        print(f"{page_file}: no page here; run `kg build` first", file=sys.stderr)
        return 2
    raw = TARGET.with_name(".kg-page.raw.png")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("http*://**", lambda route: route.abort())
        page.goto(page_file.as_uri())
        page.wait_for_timeout(2500)
        box = page.get_by_placeholder("Find an entity by name or alias")
        box.fill("Hai Yu")
        box.press("Enter")
        page.wait_for_timeout(2500)
        page.screenshot(path=str(raw))
        browser.close()
    Image.open(raw).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(TARGET, optimize=True)
    raw.unlink()
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
