"""Languages a provider's office speaks, and that members prefer.

Codes are ISO 639-3, with "ase" for American Sign Language. The list covers the
languages Medi-Cal Dental publishes member materials in and the common county
threshold languages. Other languages are stored by their ISO code as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


LANGUAGES: tuple[Language, ...] = (
    Language("eng", "English", ("en",)),
    Language("spa", "Spanish", ("es", "espanol", "español")),
    Language("vie", "Vietnamese", ("vi",)),
    Language("yue", "Cantonese", ("chinese-cantonese", "chinese cantonese")),
    Language("cmn", "Mandarin", ("chinese-mandarin", "chinese mandarin", "zh", "chinese")),
    Language("tgl", "Tagalog", ("tl", "filipino", "fil")),
    Language("kor", "Korean", ("ko",)),
    Language("hye", "Armenian", ("hy", "arm")),
    Language("rus", "Russian", ("ru",)),
    Language("fas", "Farsi", ("fa", "persian", "per")),
    Language("ara", "Arabic", ("ar",)),
    Language("khm", "Khmer", ("km", "cambodian")),
    Language("hmn", "Hmong", ()),
    Language("lao", "Lao", ("lo",)),
    Language("ium", "Mien", ("iu mien", "iu-mien")),
    Language("pan", "Punjabi", ("pa", "panjabi")),
    Language("hin", "Hindi", ("hi",)),
    Language("tha", "Thai", ("th",)),
    Language("jpn", "Japanese", ("ja",)),
    Language("ukr", "Ukrainian", ("uk",)),
    Language("ase", "American Sign Language", ("asl", "sign language")),
)

LANGUAGE_BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}

_LOOKUP: dict[str, str] = {}
for _language in LANGUAGES:
    for _key in (_language.code, _language.name, *_language.aliases):
        _LOOKUP[_key.casefold()] = _language.code

_ISO_639_3 = re.compile(r"^[a-z]{3}$")


def language_code(text: str) -> str | None:
    """Code for a language name, alias or ISO code; None when it is not recognised.

    An unlisted three-letter lowercase ISO 639-3 code is accepted as it is.
    """
    key = text.strip().casefold()
    if key in _LOOKUP:
        return _LOOKUP[key]
    if _ISO_639_3.match(key):
        return key
    return None


def language_name(code: str) -> str:
    language = LANGUAGE_BY_CODE.get(code)
    return language.name if language else code


def language_bit(code: str) -> int:
    """Bit of a listed language in a provider's language mask; 0 for unlisted codes."""
    for index, language in enumerate(LANGUAGES):
        if language.code == code:
            return 1 << index
    return 0
