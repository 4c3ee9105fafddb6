"""The clinic protocol: timings and numbers a clinic may set differently
(makeup, pools and saunas, hard workouts, skin products, sun protection,
the course of sessions), written once and used everywhere.

- The neutral values are `extra.protocol` in mkdocs.yml; a clinic sets its
  own under `extra.clinic.protocol`, only for the keys it changes.
- The sentences that say them are `includes/protocol.yml` of each language:
  a `neutral` sentence (what the evidence and most practitioners say) and a
  `clinic` sentence (what this clinic advises), for each `{{ protocol.key }}`
  a page may use. The clinic sentence is used when the clinic set a value
  the sentence names.
- Pages, includes, handouts and FAQ answers write `{{ protocol.makeup }}`;
  the Markdown extension (microneedling_site/markdown.py) puts the sentence
  in, so the FAQ's structured data, built from the finished FAQ page, says
  the same.

Safety facts that are not a matter of protocol (warning signs, who should
not have it) are not here and cannot be changed by a clinic.

Values are written the same way in every language and rendered in the
page's language: a time ("12 hours", "24 to 48 hours", "4 weeks"), a range
("3 to 6") or a number (30)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from microneedling_site.checks import SiteError

TOKEN = re.compile(r"\{\{\s*protocol\.([a-z_]+)\s*\}\}")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
TIME = re.compile(r"^(\d+)(?: to (\d+))? (hour|day|week|month)s?$")
RANGE = re.compile(r"^(\d+)(?: to (\d+))?$")

# Each value, its kind, and (for numbers) the lowest a clinic may set.
KINDS = {
    "makeup": "time",         # no makeup for ...
    "pools": "time",          # no pools, saunas or hot tubs for ...
    "exercise": "time",       # no hard workouts for ...
    "actives": "time",        # retinol, acids, vitamin C, peels: at least ... and fully healed
    "sessions": "range",      # how many sessions in a course
    "session_gap": "time",    # time between sessions
    "spf": "number",          # sunscreen of SPF ... or higher
}
LOWEST = {"spf": 30}          # below SPF 30 contradicts the sun advice the briefs give

WORDS = {
    "en": {"hour": ("hour", "hours"), "day": ("day", "days"), "week": ("week", "weeks"),
           "month": ("month", "months"), "range": "{a} to {b}"},
    "es": {"hour": ("hora", "horas"), "day": ("día", "días"), "week": ("semana", "semanas"),
           "month": ("mes", "meses"), "range": "de {a} a {b}"},
}


def check_value(key: str, value, where: str) -> None:
    """SiteError naming `where` (file: setting) unless `value` is a valid `key`."""
    kind = KINDS.get(key)
    if kind is None:
        raise SiteError(f"{where}.{key} is not a protocol setting (known: {', '.join(KINDS)})")
    if value is None:
        return
    text = str(value)
    if kind == "time" and not TIME.match(text):
        raise SiteError(f"{where}.{key} must be a time such as '12 hours', '2 to 3 days' or '4 weeks': {value!r}")
    if kind == "range" and not RANGE.match(text):
        raise SiteError(f"{where}.{key} must be a number or a range such as '3 to 6': {value!r}")
    if kind == "number" and not (isinstance(value, int) and value >= LOWEST.get(key, 0)):
        raise SiteError(f"{where}.{key} must be a whole number of at least {LOWEST.get(key, 0)}: {value!r}")
    low_high = (TIME.match(text) or RANGE.match(text)) if kind != "number" else None
    if low_high and low_high.group(2) and int(low_high.group(2)) <= int(low_high.group(1)):
        raise SiteError(f"{where}.{key}: the second number must be larger than the first: {value!r}")


def check_protocol(values, where: str, required: bool) -> None:
    """Check `extra.protocol` (required: every key) or `extra.clinic.protocol`."""
    if values is None and not required:
        return
    if not isinstance(values, dict):
        raise SiteError(f"{where} must be a block of 'setting: value' lines")
    for key, value in values.items():
        check_value(key, value, where)
    missing = [key for key in KINDS if key not in values]
    if required and missing:
        raise SiteError(f"{where}.{missing[0]} is missing (neutral value; null for none)")


def render_value(key: str, value, language: str) -> str:
    """'24 to 48 hours' in the page's language: 'de 24 a 48 horas' in Spanish."""
    words = WORDS[language]
    text = str(value)
    match = TIME.match(text) or RANGE.match(text)
    if KINDS[key] == "number" or not match:
        return text
    low, high = match.group(1), match.group(2)
    number = words["range"].format(a=low, b=high) if high else low
    if KINDS[key] == "range":
        return number
    singular, plural = words[match.group(3)]
    return f"{number} {singular if number == '1' else plural}"


def load_sentences(path: Path) -> dict[str, dict]:
    """includes/protocol.yml: for each token, its `neutral` and `clinic` sentence."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SiteError(f"{path}: cannot read the protocol sentences: {error}") from None
    if not isinstance(data, dict):
        raise SiteError(f"{path}: must be 'token:' blocks, each with neutral: and clinic: sentences")
    for token, sentences in data.items():
        if not isinstance(sentences, dict) or set(sentences) != {"neutral", "clinic"}:
            raise SiteError(f"{path}: {token} needs exactly a neutral: and a clinic: sentence")
        for which, sentence in sentences.items():
            for name in PLACEHOLDER.findall(str(sentence)):
                if name != "clinic" and name not in KINDS:
                    raise SiteError(f"{path}: {token}.{which} uses {{{name}}}, which is not a protocol "
                                    f"setting (known: {', '.join(KINDS)}, and {{clinic}} for its name)")
    return data


class Protocol:
    """The sentences of one language with the values of one build."""

    def __init__(self, sentences: dict[str, dict], neutral: dict, clinic: dict | None, language: str,
                 source: str):
        self.sentences = sentences
        self.neutral = neutral or {}
        self.clinic = clinic or {}
        self.chosen = {**self.neutral, **(self.clinic.get("protocol") or {})}
        self.language = language if language in WORDS else "en"
        self.source = source

    def sentence(self, token: str, page: str) -> str:
        if token not in self.sentences:
            raise SiteError(f"{page}: {{{{ protocol.{token} }}}} is not in {self.source} "
                            f"(known: {', '.join(self.sentences)})")
        clinic_values = self.clinic.get("protocol") or {}
        template = self.sentences[token]["neutral"]
        names = set(PLACEHOLDER.findall(self.sentences[token]["clinic"]))
        if any(name in clinic_values for name in names):
            template = self.sentences[token]["clinic"]
        values = {name: render_value(name, self.chosen.get(name), self.language)
                  for name in KINDS if self.chosen.get(name) is not None}
        values["clinic"] = self.clinic.get("name", "")
        missing = [name for name in PLACEHOLDER.findall(template) if name not in values]
        if missing:
            raise SiteError(f"{self.source}: {token} needs a value for {missing[0]}, which is not set")
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)

    def fill(self, text: str, page: str) -> str:
        return TOKEN.sub(lambda m: self.sentence(m.group(1), page), text)


def check_protocol_tokens(docs: Path, sentences_file: Path, values: dict, clinic: dict | None) -> None:
    """Before the build: every {{ protocol.key }} in the pages and includes
    names a sentence, and every sentence has the values it needs."""
    sentences = load_sentences(sentences_file)
    protocol = Protocol(sentences, values, clinic, "en", str(sentences_file))
    for token in sentences:
        protocol.sentence(token, str(sentences_file))
    for page in sorted(docs.rglob("*.md")):
        for token in TOKEN.findall(page.read_text(encoding="utf-8")):
            if token not in sentences:
                raise SiteError(f"{page}: {{{{ protocol.{token} }}}} is not in {sentences_file} "
                                f"(known: {', '.join(sentences)})")
