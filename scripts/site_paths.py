"""Where things are: the project's folders, named once."""
from __future__ import annotations

from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SITE = ROOT / "site"
REPORTS = ROOT / "reports"
