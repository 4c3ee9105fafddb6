"""The microneedling site's own build steps, one idea per module.

Before the build: `checks` (settings and front matter). During it: `markdown`
(a Python-Markdown extension: first-use glossary tooltips, section-link
labels, the patient vocabulary's lines), which Zensical runs too, and `hook`
(the thin MkDocs hook). After it: `finish` (QR codes, toggle fix, stylesheet
purge, `_headers`) over the built folder, whichever generator built it.
`cli` is the command-line tool. Nothing here imports a browser or a test tool
at import time.
"""
