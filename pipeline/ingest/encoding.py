"""Which encoding a text file is in: UTF-8, a Unicode encoding with a byte-order mark, or a legacy one.

A legacy 8-bit file carries no label, and nearly every byte string decodes without error
in every single-byte code page, so "does it decode?" says nothing: cp1252 decodes Russian
cp1251 bytes into "Ðîññèÿ", and ISO-8859-10 decodes Polish ISO-8859-2 into "opieraģy".
charset-normalizer proposes candidates with a mess ratio (chaos: symbols inside words,
accents piled up) and a coherence (how well the most frequent letters fit a language), but
its own best pick goes wrong on short or Central European text (it prefers ISO-8859-10 for
Polish and never tries ISO-8859-2), because coherence only looks at each language's few most
frequent letters. So every candidate (charset-normalizer's and the common code pages of
:data:`LEGACY_ENCODINGS`) is decoded and ranked by how plausible its text is:

1. *alphabet fit*: the share of the non-ASCII letters that belong to one language's
   alphabet (:data:`ALPHABETS`, written from the languages' orthographies); a wrong code page
   yields letters that no single language uses together (``ģ`` beside ``ę``);
2. *case breaks*: an upper-case letter right after a lower-case one inside a word
   (``рОССИЯ``, what KOI8-R makes of cp1251) counts against the candidate;
3. charset-normalizer's mess ratio scales the score down; the order of :data:`LEGACY_ENCODINGS`
   (how common each code page is) breaks ties (its coherence, tried as a tie-breaker, picked
   cp1250 for short French text).

The winner's score (0-1) is reported as the guess's confidence.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["ALPHABETS", "BOMS", "LEGACY_ENCODINGS", "Guess", "bom_encoding", "declared_charset", "guess_legacy",
           "utf16_without_bom"]

# Byte-order marks, longest first: UTF-32 LE's begins with UTF-16 LE's.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Single-byte code pages still met in text files, most common first (the order breaks ties):
# Western, Central European, Cyrillic, Greek, Turkish, Baltic, Hebrew, Arabic, old Mac.
LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866",
    "cp1253", "iso8859_7", "cp1254", "iso8859_9", "cp1257", "iso8859_13", "iso8859_4", "cp1255",
    "cp1256", "mac_roman", "cp850",
)

_CYRILLIC_BASE = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
# Non-ASCII lower-case letters of each language's alphabet (from its standard orthography).
ALPHABETS: dict[str, str] = {
    "fr": "àâæçéèêëîïôœùûüÿ", "de": "äöüß", "es": "áéíñóúü", "pt": "áâãàçéêíóôõú", "it": "àèéìíîòóùú",
    "nl": "áéëèïóöüú", "ca": "àçéèíïóòúü", "da": "æøåé", "no": "æøåéóò", "sv": "åäöé", "fi": "äöå",
    "is": "áðéíóúýþæö", "pl": "ąćęłńóśźż", "cs": "áčďéěíňóřšťúůýž", "sk": "áäčďéíĺľňóôŕšťúýž",
    "sl": "čšž", "hr": "čćđšž", "hu": "áéíóöőúüű", "ro": "ăâîșțşţ", "tr": "çğıöşüâî",
    "lv": "āčēģīķļņšūž", "lt": "ąčęėįšųūž", "et": "äöõüšž",
    "ru": _CYRILLIC_BASE + "ё", "uk": _CYRILLIC_BASE.replace("ы", "").replace("э", "").replace("ъ", "") + "ґєії",
    "bg": _CYRILLIC_BASE.replace("ы", "").replace("э", ""), "be": _CYRILLIC_BASE.replace("и", "").replace("щ", "").replace("ъ", "") + "ёіў",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "el": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
    "he": "".join(chr(c) for c in range(0x05D0, 0x05EB)),
    "ar": "".join(chr(c) for c in range(0x0621, 0x064B)) + "پچژگکی",
}
# Scripts without a small alphabet, as Unicode blocks (The Unicode Standard, ch. 18: Han, kana, Hangul):
# a right multi-byte decoding (GBK, Big5, Shift_JIS, EUC-KR) is all ideographs and syllables, a wrong
# single-byte one of the same bytes is accented Latin letters that no language writes together.
_HAN = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
SCRIPT_BLOCKS: dict[str, list[tuple[int, int]]] = {
    "zh": _HAN,
    "ja": [*_HAN, (0x3040, 0x309F), (0x30A0, 0x30FF), (0xFF66, 0xFF9F)],
    "ko": [*_HAN, (0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)],
    "th": [(0x0E00, 0x0E7F)],
}
_SETS = {lang: frozenset(letters) for lang, letters in ALPHABETS.items()}
_SETS.update({lang: frozenset(chr(c) for a, z in blocks for c in range(a, z + 1)) for lang, blocks in SCRIPT_BLOCKS.items()})
# Bytes of text scored per candidate: enough non-ASCII letters to tell code pages apart.
SAMPLE_CHARS = 200_000


@dataclass(frozen=True)
class Guess:
    """A legacy encoding's name (a Python codec), its decoded text and how plausible that text is (0-1)."""

    encoding: str
    text: str
    confidence: float


def bom_encoding(data: bytes) -> str | None:
    """The Unicode encoding that the byte-order mark at the start of ``data`` names, if any."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


# Share of one byte parity that must be NUL (and of the other that must not) for text to be read as
# UTF-16 without a byte-order mark: Latin-script UTF-16 has a NUL in every other byte; binary formats
# have NULs at both parities.
UTF16_NUL_SHARE = 0.3


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` is UTF-16 text without a byte-order mark, else None.

    Windows tools write such files (PowerShell's ``>``, some "Unicode" exports). The NULs then sit
    at one byte parity: the high bytes of Latin letters, digits and punctuation (Unicode 15, 3.9).
    """
    head = data[:8192]
    head = head[: len(head) - len(head) % 2]
    if len(head) < 16 or bom_encoding(head) is not None:
        return None
    even, odd = head[0::2], head[1::2]
    n = len(even)
    even_nul, odd_nul = even.count(0) / n, odd.count(0) / n
    if odd_nul >= UTF16_NUL_SHARE and even_nul < 0.05:
        codec = "utf-16-le"
    elif even_nul >= UTF16_NUL_SHARE and odd_nul < 0.05:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = head.decode(codec)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text if ord(ch) < 9 or 13 < ord(ch) < 32)
    return codec if controls <= 0.05 * max(len(text), 1) else None


_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Labels that the WHATWG Encoding Standard (section 4.2) reads as windows-1252: browsers do, and pages say
# "iso-8859-1" while holding cp1252's quotes and dashes.
_WINDOWS_1252_LABELS = {"latin_1", "ascii", "iso8859_1"}


def declared_charset(data: bytes) -> str | None:
    """The encoding a web page declares (``<meta charset>``, ``http-equiv``, the XML prolog), as a codec name.

    Only for bytes that are not UTF-8 (a UTF-8 page whose ``<meta>`` names another charset is
    UTF-8: the bytes are the evidence); None for a label Python does not know.
    """
    head = data[:4096]
    m = _XML_ENCODING_RE.search(head) or _META_CHARSET_RE.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    name = name.replace("-", "_")
    return "cp1252" if name in _WINDOWS_1252_LABELS else codecs.lookup(name).name


def _plausibility(text: str) -> float:
    """How much ``text`` looks like one language's writing: alphabet fit less case breaks (0-1)."""
    counts: dict[str, int] = {}
    other = breaks = 0
    prev = ""
    for ch in text:
        if ord(ch) > 127:
            if ch.isalpha():
                low = ch.lower()
                counts[low] = counts.get(low, 0) + 1
            else:
                cat = unicodedata.category(ch)[0]
                # punctuation and spaces are fine; a symbol glued to a word ("Uni±"), a digit
                # sign ("opiera³y"), a control or combining character is not prose
                if cat not in "PZS" or (cat == "S" and prev.isalpha()):
                    other += 1
        if ch.isupper() and prev.islower():
            breaks += 1
        prev = ch
    letters = sum(counts.values())
    if letters + other == 0:
        return 1.0  # typographic punctuation only (quotes, dashes): plausible; the code page order decides
    best = max(sum(n for c, n in counts.items() if c in alphabet) for alphabet in _SETS.values())
    words = max(len(text.split()), 1)
    return max(0.0, best / (letters + other) - min(1.0, 4 * breaks / words))


def guess_legacy(data: bytes) -> Guess | None:
    """The most plausible legacy decoding of ``data`` (see the module's docstring), or None."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    proposed = [m.encoding for m in from_bytes(data)]
    candidates = list(dict.fromkeys([*LEGACY_ENCODINGS, *proposed]))
    scored = []
    for rank, enc in enumerate(candidates):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        sample = text[:SAMPLE_CHARS]
        fit = _plausibility(sample)
        chaos = mess_ratio(sample, maximum_threshold=1.0)
        confidence = round(fit * (1.0 - min(chaos, 1.0)), 3)
        scored.append(((confidence, -rank), Guess(codecs.lookup(enc).name, text, confidence)))
    if not scored:
        return None
    return max(scored, key=lambda s: s[0])[1]
