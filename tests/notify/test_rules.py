"""The legal content is data: drafts.toml and vocabulary.toml are checked key by key, every
jurisdiction of the clocks has a draft, every language has the keys and placeholders of
English, and each law's required items are there with their citation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leaktriage.errors import InputError
from leaktriage.notify.rules import BLOCKS, load_draft_rules

RULES = Path(__file__).parents[2] / "src/leaktriage/notify/rules"

#: Per jurisdiction: item key -> a fragment its citation must hold (the law's own article).
REQUIRED = {
    "EU-GDPR": {
        "nature": "33(3)(a)",
        "subjects": "33(3)(a)",
        "records": "33(3)(a)",
        "contact": "33(3)(b)",
        "consequences": "33(3)(c)",
        "measures": "33(3)(d)",
        "subject_notice": "art. 34",
        "unknowns": "33(4)",
        "delay": "33(1)",
    },
    "EU-TELECOM": {
        "notifier": "Annex I, section 1",
        "contact": "Annex I, section 1",
        "times": "Annex I, section 1",
        "nature": "Annex I, section 1",
        "data": "Annex I, section 1",
        "subjects": "Annex I, section 2",
        "consequences": "Annex I, section 2",
        "subject_notice": "art. 3",
        "cross_border": "Annex I, section 2",
    },
    "EU-NIS2": {
        "stages": "23(4)",
        "threat": "23(4)(a)",
        "measures": "23(4)(d)(iii)",
        "cross_border": "23(4)(a)",
        "unknowns": "23(4)(d)(ii)",
    },
    "KR-PIPC": {
        "data": "제34조제1항제1호",
        "times": "제34조제1항제2호",
        "nature": "제34조제1항제2호",
        "consequences": "제34조제1항제3호",
        "measures": "제34조제1항제4호",
        "contact": "제34조제1항제5호",
        "subjects": "제40조",
    },
    "KR-KISA": {"times": "제48조의3", "nature": "제48조의3", "measures": "제48조의3"},
    "BR": {
        "data": "48, § 1º, I",
        "subjects": "48, § 1º, II",
        "measures": "48, § 1º, III",
        "consequences": "48, § 1º, IV",
        "delay": "48, § 1º, V",
        "subject_notice": "art. 9º",
        "unknowns": "20 dias úteis",
    },
    "PE": {
        "nature": "DS 016-2024-JUS",
        "data": "DS 016-2024-JUS",
        "subjects": "DS 016-2024-JUS",
        "consequences": "DS 016-2024-JUS",
        "measures": "Ley 29733, art. 16",
        "subject_notice": "DS 016-2024-JUS",
        "times": "48 horas",
    },
    "US-FCC": {
        "stages": "64.2011(b)",
        "subjects": "64.2011",
        "subject_notice": "64.2011(c)",
        "data": "64.2011(e)",
    },
}
LANGUAGES = {
    "PE": "es",
    "BR": "pt",
    "KR-PIPC": "ko",
    "KR-KISA": "ko",
    "EU-GDPR": "en",
    "EU-TELECOM": "en",
    "EU-NIS2": "en",
    "US-FCC": "en",
}


@pytest.mark.parametrize("code", sorted(REQUIRED))
def test_each_law_has_its_required_items_with_their_articles(code: str) -> None:
    rule = load_draft_rules().draft(code)
    assert rule.language == LANGUAGES[code]
    cites = {item.key: item.cite for item in rule.items}
    for key, fragment in REQUIRED[code].items():
        assert key in cites, f"{code}: no {key} item"
        assert fragment in cites[key], f"{code}.{key}: {cites[key]!r} does not cite {fragment}"
    assert all(item.key in BLOCKS for item in rule.items)


def test_files_say_they_are_a_summary_for_the_dpo() -> None:
    header = (RULES / "drafts.toml").read_text(encoding="utf-8")[:2000]
    assert "NOT LEGAL ADVICE" in header and "DPO confirms" in header
    for language, vocab in load_draft_rules().vocabularies.items():
        assert "DPO" in vocab.say("banner") or "보호책임자" in vocab.say("banner"), language


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (RULES / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param("draft.BR", "draft.XX", "no [draft.CODE] for jurisdiction(s) ['BR']",
                     id="jurisdiction-without-draft"),
        pytest.param('key = "nature"', 'key = "mood"', "is not one of", id="unknown-item-key"),
        pytest.param('language = "es"', 'language = "fr"', "no [fr] in vocabulary.toml",
                     id="language-without-vocabulary"),
        pytest.param("version = 1", "version = 2", "version must be 1", id="version"),
        pytest.param('cite = "GDPR art. 33(3)(b)"', 'cite = ""', "cite must be a non-empty",
                     id="item-without-citation"),
    ],
)  # fmt: skip
def test_a_broken_drafts_file_is_refused_naming_the_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _broken(tmp_path, "drafts.toml", old, new)
    with pytest.raises(InputError, match=re.escape(message)):
        load_draft_rules(drafts_path=path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param('u_ages = "O número', 'u_idades = "O número', "pt: missing key",
                     id="missing-key"),
        pytest.param('s_total = "Titulares afetados (aproximado): {n}',
                     's_total = "Titulares afetados (aproximado): {dni}', "placeholder",
                     id="placeholder-not-in-english"),
    ],
)  # fmt: skip
def test_a_broken_vocabulary_is_refused_naming_the_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _broken(tmp_path, "vocabulary.toml", old, new)
    with pytest.raises(InputError, match=message):
        load_draft_rules(vocabulary_path=path)
