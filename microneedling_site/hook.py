"""The MkDocs hook (`hooks:` in mkdocs.yml), kept thin: the site builds the
same without it when the steps it calls are run around the build, which is
what `make build` and `make zensical` do.

- on_config: the checks (settings, front matter, vocabulary), before
  anything is written; a problem stops the build naming the file and field.
  Then it hands the clinic settings to the Markdown extension, and puts the
  clinic folder's includes, pages and colours in (microneedling_site/clinic.py).
- on_files: the clinic folder's pages, logo and colours' stylesheet.
- on_post_build: the finishing step over the built folder, so `mkdocs build`
  and `mkdocs serve` alone still give a finished site.
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from microneedling_site.checks import SiteError, check_site
from microneedling_site.clinic import add_files, apply_to_config
from microneedling_site.finish import FinishError, finish


def on_config(config):
    try:
        check_site(config)
    except SiteError as error:
        raise PluginError(str(error)) from None
    # The protocol sentences name the clinic and use its values (extra.clinic),
    # which a Markdown extension cannot read from the config itself.
    config.mdx_configs.setdefault("microneedling_site.markdown", {})["clinic"] = config.extra.get("clinic") or {}
    apply_to_config(config)
    # An edition in another language lives under the site's address plus its
    # path (es/); site_url is the same setting for every edition.
    path = config.extra.get("edition_path")
    if path and config.site_url and not config.site_url.endswith("/" + path):
        config.site_url = config.site_url.rstrip("/") + "/" + path
    return config


def on_files(files, config):
    add_files(config, files)
    return files


def on_post_build(config):
    # Another language's edition (es/) is finished with the whole site by
    # `python -m microneedling_site build` (`make build`).
    if config.extra.get("edition_path"):
        return
    try:
        finish(Path(config.site_dir), config.site_url)
    except FinishError as error:
        raise PluginError(str(error)) from None
