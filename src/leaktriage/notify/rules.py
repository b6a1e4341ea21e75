"""The legal content of notification drafts, read from ``rules/drafts.toml`` and the sentences
they are written with, from ``rules/vocabulary.toml``.

Both files are data the DPO reviews (their headers document every key); this module only loads
and checks them: every key known, every jurisdiction of the clocks
(``exposure/rules/jurisdictions.toml``) with a draft, every language with the keys of English
and no placeholder English does not have. A broken file raises
:class:`~leaktriage.errors.InputError` naming the file and the key.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from leaktriage.errors import InputError
from leaktriage.exposure.clocks import load_rules as load_clock_rules
from leaktriage.vocab import COLUMN_TYPES, RISK_TIERS

__all__ = [
    "BLOCKS",
    "DraftRule",
    "DraftRules",
    "Item",
    "Stage",
    "Vocabulary",
    "load_draft_rules",
]

#: The only version of the drafts file's shape this module reads.
RULES_VERSION = 1

#: What the draft builder can fill an item with (drafts.toml's header: KEYS).
BLOCKS = (
    "notifier",
    "contact",
    "times",
    "nature",
    "data",
    "subjects",
    "records",
    "consequences",
    "measures",
    "subject_notice",
    "unknowns",
    "delay",
    "cross_border",
    "threat",
    "stages",
    "text",
)
_DRAFT_REQUIRED = {"language", "title", "authority", "law", "phased", "item"}
_DRAFT_OPTIONAL = {"in_force", "stages", "unknowns_extra", "subject_deadline_stage"}
_ITEM_KEYS = {"key", "heading", "cite", "text"}
_STAGE_CLOCKS = {"hours", "business_days", "months"}
_STAGE_KEYS = {"label", "after", "cite", "holiday_country"} | _STAGE_CLOCKS
_TIER_KEYS = {"name", "consequence", "measure", "advice", "sms"}


@dataclass(frozen=True)
class Stage:
    """One filing the law asks for, and its clock."""

    label: str
    after: str
    """``"discovered"`` (awareness) or ``"notified"`` (this draft's time)."""
    hours: int | None
    business_days: int | None
    months: int | None
    holiday_country: str | None
    cite: str


@dataclass(frozen=True)
class Item:
    """One required content item of a draft."""

    key: str
    heading: str
    cite: str
    text: str | None


@dataclass(frozen=True)
class DraftRule:
    """What one jurisdiction's notification holds, in its language."""

    code: str
    language: str
    title: str
    authority: str
    law: tuple[str, ...]
    in_force: str | None
    phased: str
    stages: tuple[Stage, ...]
    items: tuple[Item, ...]
    unknowns_extra: tuple[str, ...]
    subject_deadline_stage: int | None
    """1-based index of the stage whose deadline the data subjects' notice has (else: the
    notification's own deadline)."""


class Vocabulary:
    """The sentences of one language, filled by name (``vocab.say("s_total", n="12")``)."""

    def __init__(self, language: str, table: Mapping[str, Any]) -> None:
        """``table`` is the language's table of vocabulary.toml, already checked."""
        self.language = language
        self._t = table

    def say(self, key: str, **values: object) -> str:
        """The sentence ``key`` with its placeholders filled."""
        return str(self._t[key]).format_map({k: str(v) for k, v in values.items()})

    def field(self, column_type: str) -> str:
        """A column type as a category of personal data."""
        return str(self._t["field"].get(column_type, column_type))

    def verdict(self, label: str) -> str:
        """A verdict label, explained."""
        return str(self._t["verdict"].get(label, label))

    def tier(self, name: str, key: str, **values: object) -> str:
        """One sentence of a risk tier (name, consequence, measure, advice, sms)."""
        text = str(self._t["tier"][name][key])
        return text.format_map({k: str(v) for k, v in values.items()}) if values else text

    def notice(self, key: str, **values: object) -> str:
        """One line of the customer notice."""
        return str(self._t["notice"][key]).format_map({k: str(v) for k, v in values.items()})


@dataclass(frozen=True)
class DraftRules:
    """Every jurisdiction's draft and every language's vocabulary."""

    drafts: dict[str, DraftRule]
    vocabularies: dict[str, Vocabulary]

    def draft(self, code: str) -> DraftRule:
        """The draft rule of a jurisdiction; ``KeyError`` when there is none."""
        return self.drafts[code]

    def vocabulary(self, language: str) -> Vocabulary:
        """A language's vocabulary; ``KeyError`` when there is none."""
        return self.vocabularies[language]


def load_draft_rules(
    drafts_path: Path | None = None, vocabulary_path: Path | None = None
) -> DraftRules:
    """Read and check the drafts and vocabulary files (the packaged ones by default)."""
    if drafts_path is None and vocabulary_path is None:
        return _packaged()
    return _load(drafts_path, vocabulary_path)


@lru_cache(maxsize=1)
def _packaged() -> DraftRules:
    return _load(None, None)


def _read(path: Path | None, name: str) -> tuple[dict[str, Any], str]:
    where = str(path) if path is not None else f"packaged {name}"
    try:
        if path is None:
            text = resources.files("leaktriage.notify").joinpath("rules", name).read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read rules file: {exc.__class__.__name__}", path=where) from exc
    try:
        return tomllib.loads(text), where
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=where) from exc


def _load(drafts_path: Path | None, vocabulary_path: Path | None) -> DraftRules:
    vocab_data, vocab_where = _read(vocabulary_path, "vocabulary.toml")
    vocabularies = _parse_vocabularies(vocab_data, vocab_where)
    data, where = _read(drafts_path, "drafts.toml")

    def fail(message: str) -> InputError:
        return InputError(message, path=where)

    extra = set(data) - {"version", "draft"}
    if extra:
        raise fail(f"unknown top-level key(s) {sorted(extra)}")
    if data.get("version") != RULES_VERSION:
        raise fail(f"version must be {RULES_VERSION}, found {data.get('version')!r}")
    table = data.get("draft")
    if not isinstance(table, Mapping) or not table:
        raise fail("draft must be a non-empty table of [draft.CODE]")
    drafts = {code: _parse_draft(code, spec, vocabularies, fail) for code, spec in table.items()}
    missing = sorted(set(load_clock_rules()["jurisdictions"]) - set(drafts))
    if missing:
        raise fail(f"no [draft.CODE] for jurisdiction(s) {missing} of jurisdictions.toml")
    return DraftRules(drafts=drafts, vocabularies=vocabularies)


def _text(spec: Mapping[str, Any], key: str, where: str, fail: Any) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{where}.{key} must be a non-empty string")
    return value


def _parse_draft(
    code: str, spec: Any, vocabularies: Mapping[str, Vocabulary], fail: Any
) -> DraftRule:
    key = f"draft.{code}"
    if not isinstance(spec, Mapping):
        raise fail(f"{key} must be a table")
    missing = _DRAFT_REQUIRED - set(spec)
    if missing:
        raise fail(f"{key}: missing key(s) {sorted(missing)}")
    extra = set(spec) - _DRAFT_REQUIRED - _DRAFT_OPTIONAL
    if extra:
        raise fail(f"{key}: unknown key(s) {sorted(extra)}")
    language = _text(spec, "language", key, fail)
    if language not in vocabularies:
        raise fail(f"{key}.language: no [{language}] in vocabulary.toml")
    law = spec["law"]
    if not isinstance(law, list) or not law or not all(isinstance(x, str) for x in law):
        raise fail(f"{key}.law must be a non-empty list of strings")
    items = []
    raw_items = spec["item"]
    if not isinstance(raw_items, list) or not raw_items:
        raise fail(f"{key}.item must be a non-empty array of tables")
    for i, raw in enumerate(raw_items):
        where = f"{key}.item[{i}]"
        if not isinstance(raw, Mapping):
            raise fail(f"{where} must be a table")
        unknown = set(raw) - _ITEM_KEYS
        if unknown:
            raise fail(f"{where}: unknown key(s) {sorted(unknown)}")
        block = _text(raw, "key", where, fail)
        if block not in BLOCKS:
            raise fail(f"{where}.key {block!r} is not one of {', '.join(BLOCKS)}")
        text = raw.get("text")
        if block == "text" and not text:
            raise fail(f"{where}: an item of key 'text' needs a text")
        if text is not None and not isinstance(text, str):
            raise fail(f"{where}.text must be a string")
        items.append(
            Item(block, _text(raw, "heading", where, fail), _text(raw, "cite", where, fail), text)
        )
    stages = tuple(
        _parse_stage(f"{key}.stages[{i}]", s, fail) for i, s in enumerate(spec.get("stages", []))
    )
    if any(item.key == "stages" for item in items) and not stages:
        raise fail(f"{key}: an item of key 'stages' needs a stages list")
    extra_unknowns = spec.get("unknowns_extra", [])
    vocab_keys = set(vocabularies["en"]._t)
    if not isinstance(extra_unknowns, list) or not set(extra_unknowns) <= vocab_keys:
        raise fail(f"{key}.unknowns_extra must list keys of vocabulary.toml")
    subject_stage = spec.get("subject_deadline_stage")
    if subject_stage is not None and (
        not isinstance(subject_stage, int) or not 1 <= subject_stage <= len(stages)
    ):
        raise fail(f"{key}.subject_deadline_stage must be a stage number (1..{len(stages)})")
    in_force = spec.get("in_force")
    if in_force is not None and not isinstance(in_force, str):
        raise fail(f"{key}.in_force must be a string")
    return DraftRule(
        code=code,
        language=language,
        title=_text(spec, "title", key, fail),
        authority=_text(spec, "authority", key, fail),
        law=tuple(law),
        in_force=in_force,
        phased=_text(spec, "phased", key, fail),
        stages=stages,
        items=tuple(items),
        unknowns_extra=tuple(extra_unknowns),
        subject_deadline_stage=subject_stage,
    )


def _parse_stage(where: str, raw: Any, fail: Any) -> Stage:
    if not isinstance(raw, Mapping):
        raise fail(f"{where} must be a table")
    unknown = set(raw) - _STAGE_KEYS
    if unknown:
        raise fail(f"{where}: unknown key(s) {sorted(unknown)}")
    clocks = set(raw) & _STAGE_CLOCKS
    if len(clocks) != 1:
        raise fail(f"{where}: needs exactly one of {sorted(_STAGE_CLOCKS)}")
    (clock,) = clocks
    amount = raw[clock]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise fail(f"{where}.{clock} must be a positive integer")
    after = raw.get("after")
    if after not in ("discovered", "notified"):
        raise fail(f"{where}.after must be 'discovered' or 'notified'")
    country = raw.get("holiday_country")
    if (clock == "business_days") != isinstance(country, str):
        raise fail(f"{where}: holiday_country is needed by, and only by, business_days")
    return Stage(
        label=_text(raw, "label", where, fail),
        after=after,
        hours=amount if clock == "hours" else None,
        business_days=amount if clock == "business_days" else None,
        months=amount if clock == "months" else None,
        holiday_country=country,
        cite=_text(raw, "cite", where, fail),
    )


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _parse_vocabularies(data: Mapping[str, Any], where: str) -> dict[str, Vocabulary]:
    def fail(message: str) -> InputError:
        return InputError(message, path=where)

    if "en" not in data:
        raise fail("no [en] table: English is the reference language")
    reference = _flatten(data["en"])
    for tier in RISK_TIERS:
        if set(data["en"].get("tier", {}).get(tier, {})) != _TIER_KEYS:
            raise fail(f"en.tier.{tier} must have exactly {sorted(_TIER_KEYS)}")
    for column_type in COLUMN_TYPES:
        if column_type not in data["en"].get("field", {}):
            raise fail(f"en.field: no label for column type {column_type!r}")
    out = {}
    for language, table in data.items():
        if not isinstance(table, Mapping):
            raise fail(f"{language} must be a table")
        flat = _flatten(table)
        missing = sorted(set(reference) - set(flat))
        extra = sorted(set(flat) - set(reference))
        if missing or extra:
            raise fail(f"{language}: missing key(s) {missing}, unknown key(s) {extra}")
        for key, text in flat.items():
            if not isinstance(text, str) or not text.strip():
                raise fail(f"{language}.{key} must be a non-empty string")
            stray = _placeholders(text) - _placeholders(reference[key])
            if stray:
                raise fail(f"{language}.{key}: placeholder(s) {sorted(stray)} not in [en]")
        out[language] = Vocabulary(language, table)
    return out
