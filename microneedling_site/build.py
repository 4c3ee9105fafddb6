"""Build every edition of the site into one folder, then finish it once.

The English edition (mkdocs.yml, or a clinic's file that inherits it) is
built at the folder's root; each other language the config publishes
(extra.languages) is built from its own file (mkdocs.es.yml) into a
subfolder (es/). A clinic's file is put under each language's file, so one
clinic file serves every language. The finishing step (QR codes, the FAQ's
structured data, stylesheet purge, _headers covering every edition) then runs
over the whole folder.

    python -m microneedling_site build [--config-file clinic.yml] [SITE]
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from microneedling_site.checks import SiteError, load_site_config
from microneedling_site.finish import finish

BASE = "mkdocs.yml"


def language_config(config_file: Path, language: str) -> tuple[Path, bool]:
    """The file that builds `language` on top of `config_file`: the
    language's own file (mkdocs.es.yml) when `config_file` is mkdocs.yml;
    otherwise a copy of it that inherits `config_file` instead, written
    beside it (relative paths resolve from there). Returns (file, temporary)."""
    own = config_file.parent / f"mkdocs.{language}.yml"
    if not own.is_file():
        raise SiteError(f"{config_file.name}: extra.languages lists '{language}', but there is no {own.name}")
    if config_file.name == BASE:
        return own, False
    text = own.read_text(encoding="utf-8")
    inherit = f"INHERIT: {BASE}\n"
    if inherit not in text:
        raise SiteError(f"{own.name}: must start from '{inherit.strip()}'")
    child = config_file.parent / f".{config_file.stem}.{language}.yml"
    child.write_text(text.replace(inherit, f"INHERIT: {config_file.name}\n", 1), encoding="utf-8")
    return child, True


def mkdocs_build(config_file: Path, site: Path) -> None:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "--strict", "--config-file", config_file.name,
                             "--site-dir", str(site)], cwd=config_file.parent, env={**os.environ})
    if result.returncode:
        raise SiteError(f"{config_file.name}: the strict build failed (see above)")


def build_all(config_file: str | Path, site: str | Path) -> dict:
    """Build every published edition into `site` and finish it; returns timings."""
    config_file, site = Path(config_file).resolve(), Path(site).resolve()
    config = load_site_config(config_file)
    languages = config.extra.get("languages") or [config.theme["language"]]
    started = time.perf_counter()
    mkdocs_build(config_file, site)
    for language in languages:
        if language == config.theme["language"]:
            continue
        child, temporary = language_config(config_file, language)
        try:
            edition = load_site_config(child).extra.get("edition_path") or f"{language}/"
            mkdocs_build(child, site / edition)
        finally:
            if temporary:
                child.unlink()
    done = finish(site, config.site_url)
    done["seconds"] = round(time.perf_counter() - started, 2)
    done["editions"] = languages
    return done
