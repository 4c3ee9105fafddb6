"""Checks an editor needs while writing: page front matter and clinic settings.
Each error names the file and the field."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from mkdocs.utils.meta import YAML_RE as FRONT_MATTER  # the pattern MkDocs itself reads front matter with


INCLUDES = "includes"

# Front matter every page carries, and what each field must be.
DESCRIPTION_MAX = 160
TITLE_MAX = 65
# Clinic settings (extra.clinic in mkdocs.yml) and their nested reviewer block.
CLINIC_KEYS = {"name", "phone", "email", "booking_url", "address", "reviewer", "protocol",
               "folder", "logo", "brand", "pages"}
TEXT_KEYS = {"name", "phone", "email", "booking_url", "address", "folder", "logo"}
# Settings under `extra`: this site's own, and those Material reads.
EXTRA_KEYS = {"clinic", "locale", "procedure", "report_errors", "share_image", "start_scripts_after_paint",
              "strings", "edition_path", "language_tag", "languages", "editions",
              "alternate", "analytics", "consent", "generator", "homepage", "scope", "social", "status",
              "tags", "version"}
REVIEWER_KEYS = {"name", "credentials"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


class SiteError(ValueError):
    """Bad input, with the file and field it concerns in the message."""


# --- Front matter -----------------------------------------------------------

def read_front_matter(path: Path) -> dict:
    """The page's YAML front matter; SiteError if it is missing or not YAML."""
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise SiteError(f"{path}: no front matter (a block between '---' lines at the top)")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise SiteError(f"{path}: front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise SiteError(f"{path}: front matter must be 'field: value' lines")
    return meta


def check_page_meta(path: Path, meta: dict) -> None:
    """Raise SiteError naming the file and field for the first bad field."""
    def field_error(field: str, problem: str) -> SiteError:
        return SiteError(f"{path}: front matter field '{field}' {problem}")

    for field in ("title", "description"):
        value = meta.get(field)
        if not isinstance(value, str) or not value.strip():
            raise field_error(field, "is missing or empty")
    if len(meta["title"]) > TITLE_MAX:
        raise field_error("title", f"is longer than {TITLE_MAX} characters")
    if '"' in meta["description"]:
        # Material writes the description into an HTML attribute unescaped.
        raise field_error("description", "must not contain double quotes (\"); use single quotes")
    if len(meta["description"]) > DESCRIPTION_MAX:
        raise field_error("description", f"is longer than {DESCRIPTION_MAX} characters")
    for field in ("reviewed", "next_review"):
        if field not in meta:
            raise field_error(field, "is missing (a date such as 2026-11-22)")
        if not isinstance(meta[field], dt.date) or isinstance(meta[field], dt.datetime):
            raise field_error(field, f"is not a date in YYYY-MM-DD form: {meta[field]!r}")
    if meta["next_review"] <= meta["reviewed"]:
        raise field_error("next_review", "must be later than 'reviewed'")


def content_pages(docs: Path, excluded=None) -> list[Path]:
    """Every Markdown page under docs/, leaving out the shared includes and
    what the config's exclude_docs leaves out (another language's pages)."""
    return sorted(p for p in docs.rglob("*.md") if INCLUDES not in p.relative_to(docs).parts
                  and not (excluded and excluded.match_file(p.relative_to(docs).as_posix())))


def check_front_matter(docs: Path, excluded=None) -> None:
    for path in content_pages(docs, excluded):
        check_page_meta(path.relative_to(docs.parent), read_front_matter(path))


# --- Clinic settings ----------------------------------------------------------

def did_you_mean(unknown: set[str], known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(sorted(unknown)[0], sorted(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_clinic(clinic, source: str = "mkdocs.yml") -> None:
    """Validate extra.clinic; None means a neutral site and is fine."""
    if clinic is None:
        return
    where = f"{source}: extra.clinic"
    if not isinstance(clinic, dict):
        raise SiteError(f"{where} must be a block of 'field: value' settings")
    unknown = set(clinic) - CLINIC_KEYS
    if unknown:
        raise SiteError(f"{where}.{sorted(unknown)[0]} is not a known setting{did_you_mean(unknown, CLINIC_KEYS)} "
                        f"(known: {', '.join(sorted(CLINIC_KEYS))})")
    if not isinstance(clinic.get("name"), str) or not clinic["name"].strip():
        raise SiteError(f"{where}.name is required when a clinic is set")
    for key in sorted(TEXT_KEYS & set(clinic)):
        if key in clinic and not isinstance(clinic[key], str):
            raise SiteError(f"{where}.{key} must be text (put quotes around it)")
    rules = {"email": (EMAIL, "is not an email address"),
             "booking_url": (URL, "must be a full http:// or https:// address"),
             "phone": (PHONE, "is not a phone number (digits, spaces, +, brackets)")}
    for key, (pattern, problem) in rules.items():
        if key in clinic and not pattern.match(clinic[key]):
            raise SiteError(f"{where}.{key} {problem}: {clinic[key]!r}")
    from microneedling_site.clinic import check_brand
    from microneedling_site.protocol import check_protocol

    check_protocol(clinic.get("protocol"), f"{where}.protocol", required=False)
    check_brand(clinic.get("brand"), f"{where}.brand")
    reviewer = clinic.get("reviewer")
    if reviewer is not None:
        if not isinstance(reviewer, dict):
            raise SiteError(f"{where}.reviewer must have 'name' and 'credentials'")
        unknown = set(reviewer) - REVIEWER_KEYS
        if unknown:
            raise SiteError(f"{where}.reviewer.{sorted(unknown)[0]} is not a known setting")
        for key in sorted(REVIEWER_KEYS):
            if not isinstance(reviewer.get(key), str) or not reviewer[key].strip():
                raise SiteError(f"{where}.reviewer.{key} is required")


def check_report_errors(value, source: str = "mkdocs.yml") -> None:
    """Validate extra.report_errors: where readers report an error (an email
    address or an http(s) address); None leaves the About page's fallback."""
    if value is None:
        return
    if not isinstance(value, str) or not (EMAIL.match(value) or URL.match(value)):
        raise SiteError(f"{source}: extra.report_errors must be an email address or a full "
                        f"http:// or https:// address: {value!r}")


# --- The whole site, as the build sees it -----------------------------------------

def load_site_config(config_file: str | Path = "mkdocs.yml"):
    """The config exactly as MkDocs reads it: INHERIT merged, !ENV resolved,
    defaults filled in."""
    from mkdocs.config import load_config

    return load_config(str(config_file))


def check_site(config) -> int:
    """Every check an editor needs before a build, on a loaded MkDocs config
    (MkDocsConfig, or the same keys as a dict). Returns how many pages were
    checked; raises SiteError naming the file and field."""
    from microneedling_site.vocabulary import check_pages_exist, load_vocabulary

    source = Path(config["config_file_path"]).name
    extra = config["extra"] or {}
    docs = Path(config["docs_dir"])
    from microneedling_site.protocol import check_protocol, check_protocol_tokens

    unknown = set(extra) - EXTRA_KEYS
    if unknown:
        raise SiteError(f"{source}: extra.{sorted(unknown)[0]} is not a known setting"
                        f"{did_you_mean(unknown, EXTRA_KEYS)} (known: {', '.join(sorted(EXTRA_KEYS))})")
    check_clinic(extra.get("clinic"), source)
    if extra.get("clinic"):
        from microneedling_site.clinic import check_folder, nav_files

        language = (config.get("mdx_configs") or {}).get("microneedling_site.markdown", {}).get("language", "en")
        check_folder(extra["clinic"], Path(config["config_file_path"]).parent, docs, nav_files(config.get("nav")),
                     language, f"{source}: extra.clinic")
    options = (config.get("mdx_configs") or {}).get("microneedling_site.markdown", {})
    if options.get("protocol"):
        where = f"{source}: markdown_extensions: microneedling_site.markdown: protocol_values"
        check_protocol(options.get("protocol_values"), where, required=True)
        check_protocol_tokens(docs, Path(options["protocol"]), options["protocol_values"], extra.get("clinic"))
    check_report_errors(extra.get("report_errors"), source)
    check_front_matter(docs, config.get("exclude_docs"))
    check_pages_exist(load_vocabulary(docs / INCLUDES / "vocabulary.yml"), docs)
    return len(content_pages(docs, config.get("exclude_docs")))
