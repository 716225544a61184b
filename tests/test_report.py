"""The HTML report: self-contained, loads in headless Chromium without console errors, shows timeline and network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.report import network_svg, render_document, timeline_svg

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]


def test_self_contained(article_doc):
    page = render_document(article_doc)
    assert 'id="timeline"' in page and 'id="network"' in page
    assert not re.search(r"""(src|href)=["']https?://""", page)  # no CDN, no network
    assert "displacy" in page or "entities" in page
    assert "Citation audit" in page and "Cited sources" in page


def test_svg_parts():
    from pipeline.model import Event

    ev = Event.model_validate({
        "id": "ev001", "type": "AGREE", "quad_class": "verbal_cooperation", "trigger": "signed", "trigger_lemma": "sign",
        "date": {"raw": "January 17, 2025", "start": "2025-01-17"}, "evidence": "x", "start": 0, "end": 1,
        "confidence": 0.8, "passage_id": "p0001",
        "actors": [{"code": "IRN", "name": "Iran"}], "targets": [{"code": "RUS", "name": "Russia"}]})
    assert timeline_svg([ev]).count("<circle") == 1
    assert network_svg([ev]).count("<line") == 1


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium not installed (CI installs it)")
def test_report_in_headless_chromium(article_doc, tmp_path):
    assert CHROMIUM, "chromium must be installed in CI (.ci/run installs Debian's chromium)"
    html_path = tmp_path / "report.html"
    html_path.write_text(render_document(article_doc))
    profile = tempfile.mkdtemp()
    shot = tmp_path / "shot.png"
    run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1200,1800",
                          f"--screenshot={shot}", "--enable-logging=stderr", "--v=0", html_path.as_uri()],
                         capture_output=True, text=True, timeout=120)
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
    assert shot.exists() and shot.stat().st_size > 10_000
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", html_path.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert 'data-ready="1"' in dom  # the page's script ran
    # the screenshot shows the timeline (event dots) and the network (node colour)
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    colours = {c for _, c in img.getcolors(maxcolors=1 << 20)}
    assert (0xae, 0xd6, 0xf1) in colours  # network nodes
    assert any(c in colours for c in [(0x6c, 0xbf, 0x6c), (0x2e, 0x8b, 0x57), (0xc0, 0x39, 0x2b)])  # timeline dots


def test_report_command(tmp_path):
    from .conftest import ARTICLE

    out = tmp_path / "r.html"
    r = subprocess.run([sys.executable, "-m", "irpipe", "report", str(ARTICLE), "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and Path(r.stdout.strip()) == out and out.stat().st_size > 20_000
