"""Small text helpers shared by the readers and the stages, one module per concern.

``headings`` (section and reference-list headings), ``identifiers`` (DOIs, URLs, years,
content ids), ``hyphenation`` (undoing line-end hyphens), ``normalise`` (folding for
comparison). Every pattern lives here once; the stages import it.
"""
