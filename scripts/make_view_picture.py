"""The README's picture of the 3D view: ``structkit view 4CLI --mutation G1202R`` rendered by Debian's
Chromium (headless, software WebGL) through Playwright, written to ``docs/images/view_g1202r.png``.

Run from the repository root with ``../shared`` beside it: ``python scripts/make_view_picture.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / "view.html"
        subprocess.run([sys.executable, "-m", "structkit", "view", "4CLI", "--mutation", "G1202R",
                        "--mirror", str(REPO.parent / "shared" / "structures"), "-o", str(page_path)],
                       check=True, cwd=REPO)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1100, "height": 620})
            page.goto(page_path.as_uri())
            time.sleep(6)  # 3Dmol draws asynchronously
            out = REPO / "docs" / "images" / "view_g1202r.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
