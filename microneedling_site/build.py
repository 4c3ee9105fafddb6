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
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from microneedling_site.checks import SiteError, check_site, load_site_config
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


def start_mkdocs_build(config_file: Path, site: Path) -> subprocess.Popen:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    return subprocess.Popen([str(mkdocs), "build", "--strict", "--config-file", config_file.name,
                             "--site-dir", str(site)], cwd=config_file.parent, env={**os.environ})


def build_all(config_file: str | Path, site: str | Path) -> dict:
    """Build every published edition into `site` and finish it; returns timings.
    The editions build side by side (one process each): English into `site`,
    each other one into a folder beside it, moved under `site` once every
    build has passed (the English build empties `site` when it starts)."""
    config_file, site = Path(config_file).resolve(), Path(site).resolve()
    started = time.perf_counter()
    editions, builds, moves = [], [], []
    with ExitStack() as stack:
        for edition in edition_configs(config_file):
            path = stack.enter_context(edition)
            config = load_site_config(path)
            check_site(config)   # bad input stops here, before any build starts or writes
            editions.append(config.theme["language"])
            subfolder = config.extra.get("edition_path") or ""
            target = site.parent / f".{site.name}.{editions[-1]}.tmp" if subfolder else site
            if subfolder:
                shutil.rmtree(target, ignore_errors=True)
                moves.append((target, site / subfolder))
            builds.append((path, start_mkdocs_build(path, target)))
        failed = [path.name for path, process in builds if process.wait()]
    if failed:
        for temporary, _ in moves:
            shutil.rmtree(temporary, ignore_errors=True)
        raise SiteError(f"{', '.join(failed)}: the strict build failed (see above)")
    for temporary, destination in moves:
        shutil.rmtree(destination, ignore_errors=True)
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary.rename(destination)
    done = finish(site, load_site_config(config_file).site_url)
    done["seconds"] = round(time.perf_counter() - started, 2)
    done["editions"] = editions
    return done
