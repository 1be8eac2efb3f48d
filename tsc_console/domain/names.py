"""Name search keys and fuzzy name matching for finding members by name.

Callers spell names differently from the eligibility record, so matching
tolerates these differences:

- case, compared with `str.casefold`, which also turns "ß" into "ss";
- accents, removed by NFKD decomposition and dropping nonspacing marks, so
  precomposed and decomposed input give the same tokens;
- a few Latin letters that have no decomposition ("ø", "ł", "æ" and others),
  mapped to their usual ASCII spelling;
- apostrophes of any style, removed so that "O'Brien" and "OBrien" agree;
- hyphens and other punctuation, which separate tokens, so "García-López",
  "García López" and "Garcia Lopez" agree;
- word order, and a second last name that is present or missing;
- small typos, measured by Damerau-Levenshtein distance (see `token_match_score`);
- a typed token of 3 or more characters that starts a name token, so "Chris"
  matches "Christopher".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

# Scores at or above this value mean every typed token matched the member's name.
NAME_MATCH_THRESHOLD = 0.6

# Score of one typed token against one name token. Exact matches rank first.
EXACT_SCORE = 1.0
ONE_EDIT_SCORE = 0.85
PREFIX_SCORE = 0.8
TWO_EDITS_SCORE = 0.7

# A typed token of at least this length also matches a name token that starts
# with it, e.g. "chris" matches "christopher".
MIN_PREFIX_LENGTH = 3

# Weight of the share of the member's name tokens that were matched. It only
# breaks ties between candidates. For queries of up to 7 tokens, one typo lowers
# the score more than any difference in coverage can raise it.
_COVERAGE_WEIGHT = 0.02

_APOSTROPHES = dict.fromkeys(
    map(
        ord,
        "'"  # ASCII apostrophe
        "\u2019"  # right single quotation mark, the usual typographic apostrophe
        "\u2018"  # left single quotation mark
        "\u02bc"  # modifier letter apostrophe
        "\u02bb"  # modifier letter turned comma (Hawaiian okina)
        "`"  # grave accent
        "\u00b4"  # acute accent
        "\uff07",  # fullwidth apostrophe
    )
)

# Letters that NFKD leaves alone. Applied after casefolding, so only lower case.
_LATIN_FOLDS = str.maketrans(
    {
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
    }
)


def name_tokens(text: str | None) -> list[str]:
    """Split a name into comparison tokens, keeping their order and repeats.

    Example: "María-José O’Brien" gives ["maria", "jose", "obrien"].
    """
    if not text:
        return []

    # Apostrophes go before decomposition, which would turn "´" into a space and
    # a mark, and again after it, which turns "ŉ" into "ʼn".
    without_apostrophes = text.translate(_APOSTROPHES)
    folded = _fold_case_and_marks(without_apostrophes).translate(_APOSTROPHES)

    # Letters, digits and the spacing marks of some scripts stay in a token.
    # Everything else (spaces, hyphens, periods, commas) separates tokens.
    spaced = "".join(char if unicodedata.category(char)[0] in "LMN" else " " for char in folded)
    return spaced.split()


def name_key(*parts: str | None) -> str:
    """Build an index key from name parts: sorted unique tokens joined by spaces.

    Word order, case, accents and punctuation do not change the key, so
    name_key("García-López", "María") == name_key("maria lopez garcia").
    """
    tokens: set[str] = set()
    for part in parts:
        tokens.update(name_tokens(part))
    return " ".join(sorted(tokens))


def display_name(
    first: str | None,
    middle: str | None,
    last: str | None,
    second_last: str | None = None,
) -> str:
    """Join name parts for display as "First Middle Last SecondLast".

    Missing or blank parts are left out, and runs of whitespace inside a part
    become a single space.
    """
    words = [" ".join(part.split()) for part in (first, middle, last, second_last) if part]
    return " ".join(word for word in words if word)


def damerau_levenshtein(a: str, b: str) -> int:
    """Return the edit distance of two strings, counting a swap of adjacent characters as one edit.

    This is the optimal string alignment form: a substring that was swapped is
    not edited again, which is all that typo matching needs.
    """
    if a == b:
        return 0
    if not a:
        return len(b)
    if not b:
        return len(a)

    # Three rows of the dynamic-programming table: two back, one back, current.
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(
                previous[j] + 1,  # deletion
                current[j - 1] + 1,  # insertion
                previous[j - 1] + cost,  # substitution
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before_previous[j - 2] + 1)  # transposition
        before_previous, previous = previous, current
    return previous[len(b)]


def max_typo_distance(length: int) -> int:
    """Return how many edits a token of `length` characters may differ by.

    Tokens of 3 characters or fewer must match exactly, so "li" never matches
    "lo". Tokens of 4 to 7 characters allow one edit and longer tokens two.
    """
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    return 2


def token_match_score(typed: str, name_token: str) -> float:
    """Score one typed token against one name token, from 0 (no match) to 1.

    The allowed edit distance depends on the shorter of the two tokens (see
    `max_typo_distance`). A typed token of 3 or more characters that is the
    start of the name token scores `PREFIX_SCORE`.
    """
    if typed == name_token:
        return EXACT_SCORE

    allowed = max_typo_distance(min(len(typed), len(name_token)))
    if allowed and abs(len(typed) - len(name_token)) <= allowed:
        distance = damerau_levenshtein(typed, name_token)
        if distance == 1:
            return ONE_EDIT_SCORE
        if distance == 2 and allowed >= 2:
            return TWO_EDITS_SCORE

    if len(typed) >= MIN_PREFIX_LENGTH and name_token.startswith(typed):
        return PREFIX_SCORE
    return 0.0


def name_similarity(query: str, candidate_parts: Sequence[str | None]) -> float:
    """Score how well a typed name matches a member's name, from 0 to 1.

    Each typed token is compared with every token of the member's name parts
    (first, middle, last, second last) in any order and takes its best
    `token_match_score`. Two typed tokens may match the same name token.

    When every typed token matches, the score is the mean token score, nudged
    by the share of the member's tokens that were matched, and it is at least
    `NAME_MATCH_THRESHOLD`. When any typed token matches nothing, the score is
    halved, which keeps it below the threshold.

    Returns:
        1.0 when the typed tokens are exactly the member's tokens, 0.0 when
        either side has no tokens.
    """
    typed_tokens = name_tokens(query)
    member_tokens = _unique(token for part in candidate_parts for token in name_tokens(part))
    return token_similarity(typed_tokens, member_tokens)


def token_similarity(typed_tokens: Sequence[str], member_tokens: Sequence[str]) -> float:
    """Score already tokenised names the way `name_similarity` does.

    Lookups call this with the typed name split once and each member's stored
    `name_key` split on spaces, so no name is tokenised again per candidate.
    """
    if not typed_tokens or not member_tokens:
        return 0.0

    token_scores: list[float] = []
    matched_member_tokens: set[str] = set()
    member_set = set(member_tokens)
    for typed in typed_tokens:
        # An exact token is the best possible score, so the edit-distance loop
        # (pure Python, the slow part of a lookup) runs only for the others.
        if typed in member_set:
            token_scores.append(EXACT_SCORE)
            matched_member_tokens.add(typed)
            continue
        best_score = 0.0
        best_token = ""
        for member_token in member_tokens:
            score = token_match_score(typed, member_token)
            if score > best_score:
                best_score, best_token = score, member_token
        token_scores.append(best_score)
        if best_score > 0:
            matched_member_tokens.add(best_token)

    quality = sum(token_scores) / len(token_scores)
    coverage = len(matched_member_tokens) / len(member_tokens)
    score = (1 - _COVERAGE_WEIGHT) * quality + _COVERAGE_WEIGHT * coverage
    if 0.0 in token_scores:
        return score / 2
    return score


def _fold_case_and_marks(text: str) -> str:
    # Decompose before casefolding so that compatibility forms such as "ℌ" are
    # folded too, and again after it because casefolding can add marks ("İ"
    # becomes "i" and a combining dot).
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    unmarked = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return unmarked.translate(_LATIN_FOLDS)


def _unique(tokens: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tokens))
