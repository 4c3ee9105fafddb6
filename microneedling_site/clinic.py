"""The clinic kit: what a clinic's settings (extra.clinic) add to the site,
checked before anything is written.

    extra:
      clinic:
        name: Riverside Skin Clinic
        folder: clinic                 # the clinic's own folder, beside its settings file
        logo: logo.svg                 # in the folder's assets/; printed at the top of handouts
        brand:
          primary: "#0b5e54"           # header; its white text must reach 4.5:1
          accent: "#0b5e54"            # links on light backgrounds; 4.5:1 on white and on boxes
        pages:                         # the folder's own pages (pages/), placed in the menu
          - file: prices.md
            title: {en: Prices and booking, es: Precios y citas}
            after: process.md
        protocol: {makeup: 12 hours}   # microneedling_site/protocol.py

The folder holds `includes/` (its versions of docs/includes/ files, used in
place of the project's), `pages/` and `assets/`; for another language, the
same under the language's code (`es/includes/`, `es/pages/`). Nothing in the
project's own files changes, and a build without these settings ignores it.
"""
from __future__ import annotations

import re
from pathlib import Path

from microneedling_site.checks import SiteError, check_page_meta, read_front_matter

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
# Backgrounds links sit on in the light scheme: the page, and the quiet boxes
# (contents list, review dates; --site-box in site.css).
LINK_BACKGROUNDS = {"the page (white)": WHITE, "the quiet boxes (#f0f4f5)": "#f0f4f5"}
AA = 4.5
PAGE_KEYS = {"file", "title", "after"}


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def check_brand(brand, where: str) -> None:
    """primary: the header, white text on it in both schemes; accent: links
    in the light scheme (the dark scheme keeps its own light link colour)."""
    if brand is None:
        return
    if not isinstance(brand, dict) or set(brand) - {"primary", "accent"}:
        raise SiteError(f"{where} takes primary and accent colours, such as primary: \"#0b5e54\"")
    for key, colour in brand.items():
        if not isinstance(colour, str) or not HEX.match(colour):
            raise SiteError(f"{where}.{key} must be a colour written #rrggbb, in quotes: {colour!r}")
    if "primary" in brand:
        ratio = contrast(brand["primary"], WHITE)
        if ratio < AA:
            raise SiteError(f"{where}.primary {brand['primary']}: the header's white text would be "
                            f"{ratio:.1f}:1 against it in both schemes; WCAG AA needs {AA}:1. Choose a darker colour.")
    if "accent" in brand:
        for name, background in LINK_BACKGROUNDS.items():
            ratio = contrast(brand["accent"], background)
            if ratio < AA:
                raise SiteError(f"{where}.accent {brand['accent']}: links would be {ratio:.1f}:1 against "
                                f"{name} in the light scheme; WCAG AA needs {AA}:1. Choose a darker colour.")


def clinic_folder(clinic: dict, config_dir: Path) -> Path | None:
    return (config_dir / clinic["folder"]).resolve() if clinic.get("folder") else None


def language_folder(folder: Path, language: str) -> Path:
    """The clinic folder's part for one language: the folder itself for
    English, `es/` and so on for the others."""
    return folder if language == "en" else folder / language


def check_folder(clinic: dict, config_dir: Path, docs: Path, nav_files: set[str], language: str,
                 where: str) -> None:
    """The folder exists; its logo, pages and includes are usable."""
    if "folder" not in clinic:
        for key in ("logo", "pages"):
            if key in clinic:
                raise SiteError(f"{where}.{key} needs {where}.folder (the folder that holds it)")
        return
    if not isinstance(clinic["folder"], str) or not clinic_folder(clinic, config_dir).is_dir():
        raise SiteError(f"{where}.folder: no folder {clinic['folder']!r} beside the settings file")
    folder = clinic_folder(clinic, config_dir)
    if "logo" in clinic:
        logo = folder / "assets" / str(clinic["logo"])
        if not logo.is_file() or logo.suffix.lower() not in {".svg", ".png", ".jpg", ".jpeg", ".webp"}:
            raise SiteError(f"{where}.logo: no image {clinic['logo']!r} in {clinic['folder']}/assets/ "
                            "(svg, png, jpg or webp)")
    includes = language_folder(folder, language) / "includes"
    if includes.is_dir():
        for include in sorted(includes.iterdir()):
            if not (docs / "includes" / include.name).is_file():
                raise SiteError(f"{include}: the project has no include of that name to replace "
                                f"(see {docs / 'includes'})")
    pages = clinic.get("pages") or []
    if not isinstance(pages, list):
        raise SiteError(f"{where}.pages must be a list of '- file: ..., title: ..., after: ...' entries")
    for number, entry in enumerate(pages):
        at = f"{where}.pages[{number}]"
        if not isinstance(entry, dict) or set(entry) - PAGE_KEYS or not {"file", "title"} <= set(entry):
            raise SiteError(f"{at} needs file and title (and after: the page it follows in the menu)")
        source = language_folder(folder, language) / "pages" / str(entry["file"])
        if not source.is_file():
            raise SiteError(f"{at}.file: no page {source}")
        if (docs / str(entry["file"])).exists():
            raise SiteError(f"{at}.file: {entry['file']} is also a page of the site; give it another name")
        if entry.get("after") is not None and entry["after"] not in nav_files:
            raise SiteError(f"{at}.after: {entry['after']!r} is not a page in the menu "
                            f"(one of: {', '.join(sorted(nav_files))})")
        title = entry["title"]
        if isinstance(title, dict) and not isinstance(title.get(language), str):
            raise SiteError(f"{at}.title has no '{language}' title (give one per language: en: ..., {language}: ...)")
        check_page_meta(source, read_front_matter(source))


def nav_files(nav) -> set[str]:
    """The page files the menu lists."""
    found: set[str] = set()
    for item in nav or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            found |= nav_files(value)
        elif isinstance(value, str):
            found.add(value)
    return found


def with_clinic_pages(nav: list, pages: list[dict], language: str = "en") -> list:
    """The menu with each clinic page after the page its settings name (at
    the end when none), under its title in `language` (a title may be one
    text, or one per language)."""
    nav = list(nav)
    for entry in pages:
        title = entry["title"][language] if isinstance(entry["title"], dict) else entry["title"]
        item = {title: entry["file"]}
        after = next((i for i, old in enumerate(nav) if isinstance(old, dict)
                      and next(iter(old.values())) == entry.get("after")), None)
        nav.insert(len(nav) if after is None else after + 1, item)
    return nav


def brand_stylesheet(brand: dict) -> str:
    """The clinic's colours as the site's own variables (docs/assets/stylesheets/site.css)."""
    light, both = [], []
    if "primary" in brand:
        both.append(f"--site-brand:{brand['primary']};--md-primary-fg-color:{brand['primary']}")
    if "accent" in brand:
        light.append(f"--site-link:{brand['accent']};--site-calm:{brand['accent']}")
    css = ""
    if both or light:
        css += f':root,[data-md-color-scheme="default"]{{{";".join(both + light)}}}'
    if both:
        css += f'[data-md-color-scheme="slate"]{{{";".join(both)}}}'
    return css + "\n"


BRAND_CSS = "assets/stylesheets/clinic.css"


def apply_to_config(config) -> None:
    """on_config, after the checks: the clinic's includes first in the
    snippets' search path, its pages in the menu, its colours' stylesheet."""
    clinic = config.extra.get("clinic") or {}
    options = config.mdx_configs.setdefault("microneedling_site.markdown", {})
    language = options.get("language", "en")
    folder = clinic_folder(clinic, Path(config.config_file_path).parent)
    if folder:
        includes = language_folder(folder, language) / "includes"
        snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
        paths = snippets.get("base_path") or ["."]
        paths = [paths] if isinstance(paths, str) else list(paths)
        if includes.is_dir() and str(includes) not in paths:
            snippets["base_path"] = [str(includes)] + paths
        if clinic.get("pages") and config.nav:
            config.nav = with_clinic_pages(config.nav, clinic["pages"], language)
    if clinic.get("brand") and BRAND_CSS not in config.extra_css:
        config.extra_css.append(BRAND_CSS)


def add_files(config, files) -> None:
    """on_files: the clinic's pages, its logo (under clinic/) and its colours."""
    from mkdocs.structure.files import File

    clinic = config.extra.get("clinic") or {}
    language = config.mdx_configs.get("microneedling_site.markdown", {}).get("language", "en")
    folder = clinic_folder(clinic, Path(config.config_file_path).parent)
    if folder:
        pages = language_folder(folder, language) / "pages"
        for entry in clinic.get("pages") or []:
            files.append(File(entry["file"], str(pages), config.site_dir, config.use_directory_urls))
        if clinic.get("logo"):
            logo = folder / "assets" / clinic["logo"]
            files.append(File.generated(config, f"clinic/{clinic['logo']}", abs_src_path=str(logo)))
    if clinic.get("brand"):
        files.append(File.generated(config, BRAND_CSS, content=brand_stylesheet(clinic["brand"])))
