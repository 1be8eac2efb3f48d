"""Name tokens, index keys, fuzzy name matching and display names."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsc_console.domain.names import (
    NAME_MATCH_THRESHOLD,
    damerau_levenshtein,
    display_name,
    name_key,
    name_similarity,
    name_tokens,
    token_match_score,
)

GARCIA = ["María", "Elena", "García", "López"]
NGUYEN = ["Anh", None, "Nguyen", None]

name_text = st.text(
    alphabet=st.characters(
        categories=("Lu", "Ll", "Lt", "Lo", "Mn", "Zs", "Pd", "Po"),
        max_codepoint=0x2FFF,
    ),
    max_size=30,
)
latin_words = st.from_regex(r"[a-z]{1,12}", fullmatch=True)


# Tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("García-López", ["garcia", "lopez"]),
        ("GARCIA LOPEZ", ["garcia", "lopez"]),
        ("  Mary   Ann ", ["mary", "ann"]),
        ("O'Brien", ["obrien"]),
        ("O’Brien", ["obrien"]),
        ("O‘Brien", ["obrien"]),
        ("Oʼbrien", ["obrien"]),
        ("O`Brien", ["obrien"]),
        ("D'Angelo-Smith", ["dangelo", "smith"]),
        ("Straße", ["strasse"]),
        ("Nguyễn", ["nguyen"]),
        ("Søren Łukasz", ["soren", "lukasz"]),
        ("St. John, Jr.", ["st", "john", "jr"]),
        ("Zoë", ["zoe"]),
        ("", []),
        (" - ' ", []),
    ],
)
def test_name_tokens_table(text: str, expected: list[str]) -> None:
    assert name_tokens(text) == expected


def test_name_tokens_none() -> None:
    assert name_tokens(None) == []


def test_decomposed_accent_same_tokens() -> None:
    decomposed = "Jose\u0301 Garci\u0301a"
    assert name_tokens(decomposed) == name_tokens("José García")


@given(name_text)
def test_nfd_and_nfc_same_tokens(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    nfd = unicodedata.normalize("NFD", text)
    assert name_tokens(nfd) == name_tokens(nfc)


@given(name_text)
def test_tokens_ignore_case(text: str) -> None:
    assert name_tokens(text.upper()) == name_tokens(text.lower())


@given(name_text)
def test_tokens_nonempty_without_separators(text: str) -> None:
    for token in name_tokens(text):
        assert token
        assert " " not in token
        assert "-" not in token


@given(name_text)
def test_tokens_are_stable(text: str) -> None:
    tokens = name_tokens(text)
    assert name_tokens(" ".join(tokens)) == tokens


# Index keys


@pytest.mark.parametrize(
    "parts",
    [
        ("María", "García-López"),
        ("maria", "garcia lopez"),
        ("Garcia Lopez", "MARIA"),
        ("López García", "Maria"),
        ("Mari\u0301a", "Garci\u0301a", "Lo\u0301pez"),
        ("García", "López", "María", "García"),
    ],
)
def test_name_key_variants_agree(parts: tuple[str, ...]) -> None:
    assert name_key(*parts) == "garcia lopez maria"


def test_name_key_skips_missing_parts() -> None:
    assert name_key("Anh", None, "Nguyen", "") == "anh nguyen"


def test_name_key_curly_apostrophe() -> None:
    assert name_key("Sean", "O’Brien") == name_key("sean", "O'Brien")


@given(st.lists(latin_words, max_size=5), st.randoms())
def test_name_key_ignores_order(words: list[str], rng: random.Random) -> None:
    shuffled = list(words)
    rng.shuffle(shuffled)
    assert name_key(*shuffled) == name_key(*words)


# Edit distance


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("garcia", "garcia", 0),
        ("gracia", "garcia", 1),
        ("nguyn", "nguyen", 1),
        ("smith", "smyth", 1),
        ("jon", "john", 1),
        ("ca", "abc", 3),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("abcd", "badc", 2),
    ],
)
def test_damerau_levenshtein_table(a: str, b: str, expected: int) -> None:
    assert damerau_levenshtein(a, b) == expected


@given(latin_words, latin_words)
def test_distance_is_symmetric(a: str, b: str) -> None:
    assert damerau_levenshtein(a, b) == damerau_levenshtein(b, a)


@given(latin_words, latin_words)
def test_distance_zero_only_when_equal(a: str, b: str) -> None:
    assert (damerau_levenshtein(a, b) == 0) == (a == b)


@given(latin_words, latin_words)
def test_distance_bounded_by_longer(a: str, b: str) -> None:
    assert damerau_levenshtein(a, b) <= max(len(a), len(b))


# Token matching


@pytest.mark.parametrize(
    ("typed", "token"),
    [
        ("li", "lo"),  # 2 letters: exact only
        ("lee", "lea"),  # 3 letters: exact only
        ("ana", "ann"),
        ("smith", "smythe"),  # 2 edits in a 5-letter token
        ("gonzalez", "gomez"),
        ("garcia", "lopez"),
    ],
)
def test_tokens_do_not_match(typed: str, token: str) -> None:
    assert token_match_score(typed, token) == 0.0


@pytest.mark.parametrize(
    ("typed", "token"),
    [
        ("gracia", "garcia"),  # swapped letters
        ("nguyn", "nguyen"),  # missing letter
        ("smyth", "smith"),  # wrong letter
        ("rodriguez", "rodrigues"),
        ("fernandes", "hernandez"),  # 2 edits in a 9-letter token
    ],
)
def test_typo_tokens_match(typed: str, token: str) -> None:
    assert token_match_score(typed, token) > 0.0


def test_prefix_token_matches() -> None:
    assert token_match_score("chris", "christopher") > 0.0


def test_two_letter_prefix_no_match() -> None:
    assert token_match_score("ch", "christopher") == 0.0


def test_exact_token_beats_typo() -> None:
    assert token_match_score("garcia", "garcia") > token_match_score("gracia", "garcia")


def test_one_edit_beats_two_edits() -> None:
    one_edit = token_match_score("rodriguez", "rodrigues")
    two_edits = token_match_score("fernandes", "hernandez")
    assert one_edit > two_edits


# Name similarity


@pytest.mark.parametrize(
    "query",
    [
        "María García López",
        "maria garcia lopez",
        "Maria Garcia-Lopez",
        "García-López, María",
        "Lopez Garcia Maria",
        "Maria Garcia",  # second last name left out
        "Maria Elena Garcia Lopez",
        "Mari\u0301a Garci\u0301a",  # decomposed accents
        "Maria Gracia",  # swapped letters
        "Garcia",
    ],
)
def test_garcia_queries_match(query: str) -> None:
    assert name_similarity(query, GARCIA) >= NAME_MATCH_THRESHOLD


@pytest.mark.parametrize(
    "query",
    [
        "Maria Smith",
        "Maria Garcia Lopez Fuentes",  # one extra surname the member does not have
        "Li",
        "Mario Gomez",
    ],
)
def test_garcia_queries_do_not_match(query: str) -> None:
    assert name_similarity(query, GARCIA) < NAME_MATCH_THRESHOLD


def test_nguyen_typo_matches() -> None:
    assert name_similarity("Anh Nguyn", NGUYEN) >= NAME_MATCH_THRESHOLD


def test_nguyen_with_accents_matches() -> None:
    assert name_similarity("Nguyễn Anh", NGUYEN) >= NAME_MATCH_THRESHOLD


def test_short_surname_no_fuzzy_match() -> None:
    assert name_similarity("Wei Li", ["Wei", None, "Lo", None]) < NAME_MATCH_THRESHOLD


def test_curly_apostrophe_matches_straight() -> None:
    assert name_similarity("Sean O’Brien", ["Sean", None, "O'Brien", None]) == 1.0


def test_exact_full_name_scores_one() -> None:
    assert name_similarity("Maria Elena Garcia Lopez", GARCIA) == 1.0


def test_exact_ranks_above_typo() -> None:
    exact = name_similarity("Maria Garcia", GARCIA)
    typo = name_similarity("Maria Gracia", GARCIA)
    assert exact > typo


def test_exact_candidate_ranks_above_typo_candidate() -> None:
    # The typed name is exactly Maria Garcia's but one letter away from Mario Garcia's.
    maria = name_similarity("Maria Garcia", ["Maria", "Ana", "Garcia", "Lopez"])
    mario = name_similarity("Maria Garcia", ["Mario", None, "Garcia", None])
    assert mario >= NAME_MATCH_THRESHOLD
    assert maria > mario


def test_fuller_coverage_breaks_tie() -> None:
    short = name_similarity("Maria Garcia", ["Maria", None, "Garcia", None])
    long = name_similarity("Maria Garcia", GARCIA)
    assert short > long


def test_empty_query_scores_zero() -> None:
    assert name_similarity("", GARCIA) == 0.0


def test_empty_candidate_scores_zero() -> None:
    assert name_similarity("Maria", [None, "", None, None]) == 0.0


@given(st.lists(latin_words, min_size=1, max_size=4))
def test_own_name_scores_one(words: list[str]) -> None:
    assert name_similarity(" ".join(words), words) == 1.0


@given(st.lists(latin_words, min_size=1, max_size=4), st.randoms())
def test_similarity_ignores_word_order(words: list[str], rng: random.Random) -> None:
    shuffled = list(words)
    rng.shuffle(shuffled)
    assert name_similarity(" ".join(shuffled), words) == name_similarity(" ".join(words), words)


@given(name_text, st.lists(st.one_of(st.none(), name_text), max_size=4))
def test_similarity_within_unit_range(query: str, parts: list[str | None]) -> None:
    score = name_similarity(query, parts)
    assert 0.0 <= score <= 1.0


@given(name_text, st.lists(name_text, max_size=4))
def test_similarity_nfd_equals_nfc(query: str, parts: list[str]) -> None:
    nfd_query = unicodedata.normalize("NFD", query)
    nfc_query = unicodedata.normalize("NFC", query)
    assert name_similarity(nfd_query, parts) == name_similarity(nfc_query, parts)


# Display


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("María", "Elena", "García", "López"), "María Elena García López"),
        (("Anh", None, "Nguyen", None), "Anh Nguyen"),
        (("Anh", "", "Nguyen", "  "), "Anh Nguyen"),
        ((" Mary  Ann ", None, "O’Brien", None), "Mary Ann O’Brien"),
        ((None, None, "Garcia", None), "Garcia"),
        ((None, None, None, None), ""),
    ],
)
def test_display_name_table(parts: tuple[str | None, ...], expected: str) -> None:
    first, middle, last, second_last = parts
    assert display_name(first, middle, last, second_last) == expected


def test_display_name_three_parts() -> None:
    assert display_name("Anh", None, "Nguyen") == "Anh Nguyen"
