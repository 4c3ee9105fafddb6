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
from contextlib import contextmanager
from pathlib import Path

from microneedling_site.checks import SiteError, load_site_config
from microneedling_site.finish import finish

BASE = "mkdocs.yml"


@contextmanager
def edition_config(config_file: Path, language: str, base_language: str):
    """The file that builds `language` on top of `config_file`: that file
    itself for its own language; the language's file (mkdocs.es.yml) when
    `config_file` is mkdocs.yml; otherwise a copy of the language's file
    that inherits `config_file` instead, written beside it (relative paths
    resolve from there) and removed afterwards."""
    if language == base_language:
        yield config_file
        return
    own = config_file.parent / f"mkdocs.{language}.yml"
    if not own.is_file():
        raise SiteError(f"{config_file.name}: extra.languages lists '{language}', but there is no {own.name}")
    if config_file.name == BASE:
        yield own
        return
    text = own.read_text(encoding="utf-8")
    inherit = f"INHERIT: {BASE}\n"
    if inherit not in text:
        raise SiteError(f"{own.name}: must start from '{inherit.strip()}'")
    child = config_file.parent / f".{config_file.stem}.{language}.yml"
    child.write_text(text.replace(inherit, f"INHERIT: {config_file.name}\n", 1), encoding="utf-8")
    try:
        yield child
    finally:
        child.unlink(missing_ok=True)


def edition_configs(config_file: str | Path) -> list:
    """One edition_config() per published language (extra.languages), the
    config's own language first."""
    config_file = Path(config_file).resolve()
    config = load_site_config(config_file)
    base = config.theme["language"]
    languages = config.extra.get("languages") or [base]
    return [edition_config(config_file, language, base) for language in [base] + [l for l in languages if l != base]]


def mkdocs_build(config_file: Path, site: Path) -> None:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "--strict", "--config-file", config_file.name,
                             "--site-dir", str(site)], cwd=config_file.parent, env={**os.environ})
    if result.returncode:
        raise SiteError(f"{config_file.name}: the strict build failed (see above)")


def build_all(config_file: str | Path, site: str | Path) -> dict:
    """Build every published edition into `site` and finish it; returns timings."""
    config_file, site = Path(config_file).resolve(), Path(site).resolve()
    started = time.perf_counter()
    editions = []
    for edition in edition_configs(config_file):
        with edition as path:
            config = load_site_config(path)
            editions.append(config.theme["language"])
            mkdocs_build(path, site / (config.extra.get("edition_path") or ""))
    done = finish(site, load_site_config(config_file).site_url)
    done["seconds"] = round(time.perf_counter() - started, 2)
    done["editions"] = editions
    return done
