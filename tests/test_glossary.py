"""Picking a glossary's terms out of text: exactly the terms present, whole words, common variants, first appearance first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.glossary import acronyms, explains, terms_in, words_we_use
from tests.shipped import load_profile

GLOSSARY = load_profile("standard").glossary
TERMS = sorted(GLOSSARY)
#: words that hold no glossary term and cannot join a neighbour into one: letters no term uses
NOISE = st.text(alphabet="zxqjvk", min_size=1, max_size=8)
SEPARATORS = st.sampled_from([" ", ", ", ". ", "\n", " (", ") ", "; ", ": "])


def _written(term: str, style: int) -> str:
    """A term as a form might write it: an acronym as it is, other terms in another case, plural or hyphenated."""
    if term.isupper() or (term[:1] == "s" and term[1:].isdigit()):
        return [term, f"{term}s" if term.isupper() else f"section {term[1:]}", f"{term}'s" if term.isupper() else f"S.{term[1:]}"][style]
    plural = term[:-1] + "ies" if term.endswith("y") else term + "s"
    return [term, term.upper(), plural.capitalize().replace(" ", "-")][style]


@st.composite
def texts(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Texts of noise and glossary terms, and the terms in the order they were first written."""
    written: list[str] = []
    pieces: list[str] = []
    for _ in range(draw(st.integers(0, 25))):
        if draw(st.booleans()):
            term = draw(st.sampled_from(TERMS))
            pieces.append(_written(term, draw(st.integers(0, 2))))
            written.append(term)
        else:
            pieces.append(draw(NOISE))
        pieces.append(draw(SEPARATORS))
    cut = draw(st.integers(0, len(pieces)))  # two texts (two fields of a form), split between words
    return ["".join(pieces[:cut]), "".join(pieces[cut:])], list(dict.fromkeys(written))


@settings(max_examples=150, deadline=None)
@given(texts())
def test_the_glossary_picks_exactly_the_terms_present_in_the_order_they_first_appear(sample: tuple[list[str], list[str]]) -> None:
    written, expected = sample
    assert terms_in(GLOSSARY, written) == expected


def test_terms_match_as_whole_words_and_acronyms_only_in_capitals() -> None:
    text = "The mapping showed a camhs worker; SALTY snacks; CAMHS-led work; CIN-2026-0412; the core grouping."
    assert terms_in(GLOSSARY, [text]) == []


def test_common_variants_of_a_term_are_matched() -> None:
    for written in ("s47", "S47", "s.47", "S.47", "section 47", "Section 47", "s 47"):
        assert terms_in(GLOSSARY, [f"Enquiries under {written} began."]) == ["s47"], written
    assert terms_in(GLOSSARY, ["Two GPs and the core groups; step-down agreed"]) == ["GP", "core group", "step down"]


def test_the_longest_term_wins_where_two_overlap() -> None:
    overlapping = {**GLOSSARY, "child in need": {"plain": "A child who needs help.", "child": "You."}}
    assert terms_in(overlapping, ["This Child in Need plan is for a child in need."]) == ["child in need plan", "child in need"]


def test_words_we_use_gives_the_plain_or_the_child_explanation() -> None:
    adult = words_we_use(GLOSSARY, ["A CAMHS referral"])
    child = words_we_use(GLOSSARY, ["A CAMHS referral"], child=True)
    assert adult == [{"term": "CAMHS", "meaning": GLOSSARY["CAMHS"]["plain"]}]
    assert child == [{"term": "CAMHS", "meaning": GLOSSARY["CAMHS"]["child"]}]
    assert adult[0]["meaning"] != child[0]["meaning"]


def test_acronyms_are_two_to_six_capitals_digits_allowed_and_not_addresses() -> None:
    text = "Refer to CAMHS, XYZs and S47 (not I or A). Write to ab@COUNCIL.GOV.UK or BS37 0DB; ABCDEFG is too long; CIN-2026-1."
    assert acronyms(text) == ["CAMHS", "XYZ", "S47"]


def test_the_glossary_explains_an_acronym_in_its_variants() -> None:
    assert explains(GLOSSARY, "S47") and explains(GLOSSARY, "GP") and explains(GLOSSARY, "CAMHS")
    assert not explains(GLOSSARY, "XYZ") and not explains(GLOSSARY, "CAMH")


def test_every_shipped_term_is_explained_for_adults_and_children_and_inherited() -> None:
    assert len(GLOSSARY) >= 30
    assert all(entry["plain"].strip() and entry["child"].strip() for entry in GLOSSARY.values())
    assert {"CIN", "CP", "s17", "s47", "MASH", "TAF", "PLO", "CAMHS", "SALT", "EHCP", "core group", "step down"} <= set(GLOSSARY)
    assert load_profile("south-gloucestershire").glossary == GLOSSARY


def test_no_explanation_leans_on_another_term_so_each_list_is_complete_as_printed() -> None:
    leaning = {
        (term, kind, other)
        for term, entry in GLOSSARY.items()
        for kind in ("plain", "child")
        for other in terms_in(GLOSSARY, [entry[kind]])
        if other != term
    }
    assert leaning == {("MASH", "plain", "safeguarding"), ("DSL", "plain", "safeguarding")}  # their own full names
