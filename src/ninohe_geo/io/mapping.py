"""Field mappings: how a source's fields become our feature schema — a YAML file the planner
sees, edits and can pass back (``--mapping FILE``, or the editable box on the import page).

A mapping (see ``mappings/*.yaml`` for the shipped ones, one per known source)::

    name: gsi-emergency                 # an id
    title_ja: …; title_en: …           # the layer's title when imported
    description_ja: …; description_en: …
    match: [共通ID, 施設・場所名, 地震]  # source fields that identify this source
    formats: [geojson, csv]             # file formats it applies to (empty: any)
    select: {N03_007: "03213"}          # keep only rows whose field has this value
    dissolve: false                     # merge all kept rows into one feature
    kind: plan                          # plan (projects) or reference (official context data)
    drop_repeated_rows: false           # a row equal to an earlier one but for its running
                                        # number (NO/ID) is reported and kept once
    attribution: "出典：…"               # a reference layer's 出典, shown on the map
    licence: CC BY 4.0                  # its licence
    id: "gsi-e-{共通ID}"                # template(s); lower-cased and made a slug
    details:                            # source fields kept as "label：value" lines
      設置位置: {ja: 設置位置, en: Location in the building}   # → details_ja / details_en
    flags:                              # yes/no fields listed by {@flags_ja} / {@flags_en}
      洪水: {ja: 洪水, en: flood, code: flood}   # code: listed by {@flag_codes} (hazards)
    identity: false                     # true: every schema field from the same-named field
    properties:                         # schema field → template or list of templates
      name_ja: "{施設・場所名}"
      name_en: ["{名称_英字}", "{施設・場所名}"]   # first non-empty wins
      measure: P3-07                    # a constant is a template without fields

Templates: ``{FIELD}`` a source field (missing or empty → ''); ``{FIELD|romaji}`` a Hepburn
romanisation by pykakasi — for a Japanese-only source's English name, always labelled
"(romaji)" where used, because readings of place names may be wrong (the shipped mappings
keep the Japanese name instead);
``{FIELD|slug}``; ``{@flags_ja}``/``{@flags_en}`` the flags set to 1/○/true, ``{@flag_codes}``
their codes comma-separated (for the ``hazards`` field); ``{@today}`` the
import date; ``{@file}`` the source file name; ``{@row}`` the row number. A property whose
templates are all empty is left out (and a required one is then reported as missing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ninohe_geo.io.errors import MappingError
from ninohe_geo.model.schema import ALL_FIELDS, LAYER_KINDS, REQUIRED_FIELDS

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
TEMPLATE = re.compile(r"\{([^{}|]+)(?:\|([a-z]+))?\}")
FILTERS = ("romaji", "slug", "lower")
TRUE_VALUES = frozenset({"1", "○", "〇", "◯", "true", "True", "TRUE", "yes", "有", "可"})


@dataclass(frozen=True)
class Flag:
    """A yes/no source field listed by ``{@flags_ja}``/``{@flags_en}``."""

    field: str
    ja: str
    en: str
    code: str = ""


@dataclass(frozen=True)
class Mapping:
    """A parsed, checked mapping (see the module docstring for the YAML)."""

    name: str
    title_ja: str
    title_en: str
    id: tuple[str, ...]
    properties: dict[str, tuple[str, ...]]
    description_ja: str = ""
    description_en: str = ""
    match: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    select: dict[str, str] = field(default_factory=dict)
    dissolve: bool = False
    flags: tuple[Flag, ...] = ()
    yaml_text: str = ""
    """The YAML it was read from (shown and edited on the import page)."""
    details: tuple[Flag, ...] = ()
    """Source fields kept as ``label：value`` lines in ``details_ja``/``details_en`` (empty
    values left out; a multi-line cell joined with " / ")."""
    drop_repeated_rows: bool = False
    """Whether a row that repeats an earlier one (all but its id the same) is kept once."""
    kind: str = "plan"
    """The kind of layer it makes (:data:`~ninohe_geo.model.schema.LAYER_KINDS`)."""
    attribution: str = ""
    """The layer's 出典 (attribution), kept in the layer's metadata."""
    licence: str = ""
    """The source's licence, kept in the layer's metadata."""

    def fields_used(self) -> set[str]:
        """Source fields the templates, flags and selection refer to."""
        used: set[str] = (
            set(self.select) | {f.field for f in self.flags} | {d.field for d in self.details}
        )
        for templates in (self.id, *self.properties.values()):
            for tpl in templates:
                used |= {
                    m.group(1) for m in TEMPLATE.finditer(tpl) if not m.group(1).startswith("@")
                }
        return used

    def missing_fields(self, columns: list[str]) -> list[str]:
        """Fields the mapping refers to that the source lacks, for the id and required
        properties with no alternative that works (a warning: they come out empty)."""
        have = set(columns)
        missing: set[str] = set()
        required = [
            t
            for f, t in self.properties.items()
            if f in REQUIRED_FIELDS and not (f == "measure" and self.kind == "reference")
        ]
        for templates in (self.id, *required):
            per_alt = [
                {m.group(1) for m in TEMPLATE.finditer(t) if not m.group(1).startswith("@")} - have
                for t in templates
            ]
            if per_alt and all(per_alt):
                missing |= set().union(*per_alt)
        return sorted(missing)


def _texts(value: Any, where: str, source: str) -> tuple[str, ...]:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return (str(value),)
    if isinstance(value, list) and value and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v) for v in value)
    raise MappingError(source, f"{where} must be text or a list of texts", field=where)


def _labelled_fields(doc: dict[str, Any], key: str, what: str, source: str) -> list[Flag]:
    """``flags`` or ``details``: source field → {ja, en} labels, checked."""
    raw = doc.get(key) or {}
    if not isinstance(raw, dict):
        raise MappingError(source, f"'{key}' must map field → {{ja, en}}", field=key)
    out = []
    for name, labels in raw.items():
        if not isinstance(labels, dict) or not all(
            isinstance(labels.get(k), str) for k in ("ja", "en")
        ):
            raise MappingError(source, f"{what} {name!r} needs ja and en labels", field=key)
        code = labels.get("code", "")
        if not isinstance(code, str):
            raise MappingError(source, f"{what} {name!r}: code must be text", field=key)
        out.append(Flag(str(name), labels["ja"], labels["en"], code))
    return out


def parse_mapping(text: str, source: str = "mapping") -> Mapping:
    """Parse and check mapping YAML; MappingError names the key that is wrong."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(source, f"not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise MappingError(source, "a mapping must be a YAML object with 'properties'")
    unknown = set(doc) - {
        "name",
        "title_ja",
        "title_en",
        "description_ja",
        "description_en",
        "match",
        "formats",
        "select",
        "dissolve",
        "id",
        "flags",
        "properties",
        "identity",
        "kind",
        "drop_repeated_rows",
        "details",
        "attribution",
        "licence",
    }
    if unknown:
        raise MappingError(source, f"unknown key(s): {', '.join(sorted(unknown))}")
    props = doc.get("properties") or {}
    if doc.get("identity") is True:
        # Our own schema: every field (as the schema defines them now) maps to itself.
        props = {**{f: "{" + f + "}" for f in ALL_FIELDS if f != "id"}, **props}
    if not isinstance(props, dict) or not props:
        raise MappingError(
            source, "'properties' must map schema fields to templates", field="properties"
        )
    bad = sorted(set(map(str, props)) - set(ALL_FIELDS) - {"id"})
    if bad:
        raise MappingError(
            source,
            f"not schema fields: {', '.join(bad)} (allowed: {', '.join(ALL_FIELDS)})",
            field="properties",
        )
    flags = _labelled_fields(doc, "flags", "flag", source)
    details = _labelled_fields(doc, "details", "detail", source)
    select = doc.get("select") or {}
    if not isinstance(select, dict):
        raise MappingError(source, "'select' must map field → value", field="select")
    name = doc.get("name") or "custom"
    kind = str(doc.get("kind") or "plan")
    if kind not in LAYER_KINDS:
        raise MappingError(
            source, f"kind {kind!r} must be one of {', '.join(LAYER_KINDS)}", field="kind"
        )
    return Mapping(
        name=str(name),
        title_ja=str(doc.get("title_ja") or name),
        title_en=str(doc.get("title_en") or name),
        description_ja=str(doc.get("description_ja") or ""),
        description_en=str(doc.get("description_en") or ""),
        id=_texts(doc.get("id", "{id}"), "id", source),
        properties={str(k): _texts(v, str(k), source) for k, v in props.items()},
        match=tuple(str(m) for m in doc.get("match") or ()),
        formats=tuple(str(f) for f in doc.get("formats") or ()),
        select={str(k): str(v) for k, v in select.items()},
        dissolve=bool(doc.get("dissolve", False)),
        flags=tuple(flags),
        yaml_text=text,
        kind=kind,
        drop_repeated_rows=bool(doc.get("drop_repeated_rows", False)),
        details=tuple(details),
        attribution=str(doc.get("attribution") or ""),
        licence=str(doc.get("licence") or ""),
    )


def load_mapping(path: Path) -> Mapping:
    """Read a mapping file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(path, f"cannot read the mapping: {exc}") from exc
    return parse_mapping(text, str(path))


@lru_cache(maxsize=1)
def shipped_mappings() -> tuple[Mapping, ...]:
    """The mappings in ``mappings/*.yaml`` (known sources), sorted by file name."""
    return tuple(load_mapping(p) for p in sorted(MAPPINGS_DIR.glob("*.yaml")))


def mapping_by_name(name: str) -> Mapping:
    """A shipped mapping by its name."""
    for m in shipped_mappings():
        if m.name == name:
            return m
    names = ", ".join(m.name for m in shipped_mappings())
    raise MappingError("--mapping", f"no shipped mapping {name!r} (known: {names})")


def detect_mapping(columns: list[str], fmt: str) -> Mapping:
    """The shipped mapping whose ``match`` fields the source has (most fields wins);
    ``generic`` when none fits."""
    have = set(columns)
    best: Mapping | None = None
    for m in shipped_mappings():
        if not m.match or not set(m.match) <= have:
            continue
        if m.formats and fmt not in m.formats:
            continue
        if best is None or len(m.match) > len(best.match):
            best = m
    return best or mapping_by_name("generic")


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def romaji(text: str) -> str:
    """A Hepburn romanisation of Japanese text (pykakasi): words capitalised."""
    parts = [item["hepburn"] for item in _kakasi().convert(text) if item["hepburn"].strip()]
    words = " ".join(parts).split()
    return " ".join(w[:1].upper() + w[1:] for w in words)


def slug(text: str) -> str:
    """Lower-case ASCII slug (a-z, 0-9, '-', '_', '.')."""
    out = re.sub(r"[^a-z0-9_.]+", "-", text.lower()).strip("-")
    return out[:80]


@dataclass(frozen=True)
class RowContext:
    """What the ``@`` names in a template refer to."""

    file: str
    row: int
    today: str = field(default_factory=lambda: dt.date.today().isoformat())


@dataclass(frozen=True)
class _Compiled:
    """A template split once into literal text and ``{NAME|filter}`` slots."""

    parts: tuple[tuple[str, str | None, str | None], ...]
    """(literal text before, slot name or None, filter or None)."""
    fields: tuple[str, ...]
    """Source fields it uses."""
    special: bool
    """Whether it uses an ``@`` name (then it is never empty for lack of fields)."""


@lru_cache(maxsize=4096)
def _compile(template: str) -> _Compiled:
    parts: list[tuple[str, str | None, str | None]] = []
    pos = 0
    for m in TEMPLATE.finditer(template):
        parts.append((template[pos : m.start()], m.group(1), m.group(2)))
        pos = m.end()
    parts.append((template[pos:], None, None))
    names = [name for _, name, _ in parts if name is not None]
    return _Compiled(
        tuple(parts),
        tuple(n for n in names if not n.startswith("@")),
        any(n.startswith("@") for n in names),
    )


def render(
    template: str, row: AbcMapping[str, str | None], mapping: Mapping, ctx: RowContext
) -> str:
    """One template filled from one source row.

    A template whose source fields are all empty (and that uses no ``@`` name) yields '', so
    a list of alternatives falls through to the next one.
    """
    if "{" not in template:
        return template
    compiled = _compile(template)
    if compiled.fields and not compiled.special:
        if all(not row.get(name) for name in compiled.fields):
            return ""
    out: list[str] = []
    for literal, name, filt in compiled.parts:
        out.append(literal)
        if name is not None:
            out.append(_slot(name, filt, row, mapping, ctx))
    return "".join(out).strip()


def _slot(
    name: str,
    filt: str | None,
    row: AbcMapping[str, str | None],
    mapping: Mapping,
    ctx: RowContext,
) -> str:
    """The text of one ``{NAME|filter}`` slot."""
    if name == "@flags_ja":
        text = "、".join(f.ja for f in mapping.flags if (row.get(f.field) or "") in TRUE_VALUES)
        text = text or "記載なし"
    elif name == "@flags_en":
        text = ", ".join(f.en for f in mapping.flags if (row.get(f.field) or "") in TRUE_VALUES)
        text = text or "none listed"
    elif name == "@flag_codes":
        on = (f for f in mapping.flags if (row.get(f.field) or "") in TRUE_VALUES)
        text = ",".join(f.code for f in on if f.code)
    elif name == "@today":
        text = ctx.today
    elif name == "@file":
        text = ctx.file
    elif name == "@row":
        text = str(ctx.row)
    else:
        text = row.get(name) or ""
    if text and filt == "romaji":
        text = romaji(text)
    elif filt == "slug":
        text = slug(text)
    elif filt == "lower":
        text = text.lower()
    return text


def first_filled(
    templates: tuple[str, ...], row: AbcMapping[str, str | None], mapping: Mapping, ctx: RowContext
) -> str:
    """The first template that renders non-empty, else ''."""
    for tpl in templates:
        text = render(tpl, row, mapping, ctx)
        if text:
            return text
    return ""


def selected(row: AbcMapping[str, str | None], mapping: Mapping) -> bool:
    """Whether a row passes the mapping's ``select``."""
    return all((row.get(k) or "") == v for k, v in mapping.select.items())


def map_row(
    row: AbcMapping[str, str | None], mapping: Mapping, ctx: RowContext
) -> tuple[str, dict[str, str]]:
    """(feature id, properties) for one source row; empty properties are left out."""
    fid = slug(first_filled(mapping.id, row, mapping, ctx))
    props: dict[str, str] = {"id": fid} if fid else {}
    for name, templates in mapping.properties.items():
        if name == "id":
            continue
        text = first_filled(templates, row, mapping, ctx)
        if text:
            props[name] = text
    for lang in ("ja", "en"):
        key = f"details_{lang}"
        if mapping.details and key not in props:
            lines = detail_lines(row, mapping.details, lang)
            if lines:
                props[key] = "\n".join(lines)
    return fid, props


def detail_lines(
    row: AbcMapping[str, str | None], details: tuple[Flag, ...], lang: str
) -> list[str]:
    """``label：value`` for every detail field with a value (a multi-line cell on one line)."""
    out = []
    for d in details:
        value = " / ".join(p.strip() for p in (row.get(d.field) or "").splitlines() if p.strip())
        if value:
            out.append(f"{d.ja if lang == 'ja' else d.en}{'：' if lang == 'ja' else ': '}{value}")
    return out
