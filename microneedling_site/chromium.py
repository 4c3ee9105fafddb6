"""Debian's Chromium, launched the one way this project launches it (tests,
benchmarks, the share image; tests/pa11y.mjs gets the same arguments)."""
from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# As root, Chromium needs --no-sandbox; the rest keep it off this machine's
# closed network (otherwise it tries Google's hosts at every start).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
