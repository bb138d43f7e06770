"""The import page's form, as data: what a city employee picks becomes a :class:`Mapping`.

Issue #12: finishing an import used to mean editing YAML. The form asks for what the YAML says —
the layer's title and kind (a plan project or official reference data), the measure (picked by
its name), which column holds the name, the summary, the address, the id, which columns to keep
as facts — and :func:`form_mapping` turns the answers into the same :class:`Mapping` the YAML
gives (its text is shown, for those who want it). :func:`guess` pre-fills the answers from the
columns a file has and from a known dataset's mapping.

Kept apart from Streamlit, so that every answer → mapping rule is tested as a function.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ninohe_geo.io.mapping import Mapping, parse_mapping

#: Columns that usually hold a facility's name, in order of preference (自治体標準オープンデータ
#: first, then common spreadsheet headings).
NAME_COLUMNS = ("名称", "施設名", "施設・場所名", "避難所名", "名前", "name_ja", "name", "Name")
ENGLISH_NAME_COLUMNS = ("名称_英字", "名称_英語", "name_en", "Name_EN", "english_name")
SUMMARY_COLUMNS = ("説明", "概要", "summary_ja", "description", "備考")
ADDRESS_COLUMNS = ("住所", "所在地", "所在地_連結表記", "address")
ID_COLUMNS = ("ID", "NO", "No", "番号", "共通ID", "id")
#: Columns never offered as facts (they are the place itself, or codes).
NOT_FACTS = frozenset({"緯度", "経度", "latitude", "longitude", "lat", "lon", "geometry", "WKT"})


@dataclass(frozen=True)
class FormAnswers:
    """What the import form asks (every field plain text; '' = not chosen)."""

    kind: str = "plan"
    """``plan`` (a project of the plan) or ``reference`` (official context data)."""
    title_ja: str = ""
    title_en: str = ""
    measure: str = ""
    """The measure id (the form shows the measures' names); '' for reference data."""
    name_column: str = ""
    name_en_column: str = ""
    summary_column: str = ""
    summary_ja: str = ""
    """A summary for every row when no column holds one (e.g. 「AED設置箇所」)."""
    summary_en: str = ""
    address_column: str = ""
    id_column: str = ""
    status: str = "existing"
    accuracy: str = "facility"
    source: str = ""
    """The citation (出典) written into every feature; the page asks to confirm it."""
    source_url: str = ""
    fact_columns: tuple[str, ...] = field(default=())
    """Columns kept as ``label：value`` lines (details)."""


def _first(columns: list[str], wanted: tuple[str, ...]) -> str:
    for name in wanted:
        if name in columns:
            return name
    return ""


def guess(columns: list[str], known: Mapping | None, file_name: str) -> FormAnswers:
    """Answers pre-filled from the file's columns, and from a known dataset's mapping (its
    title, kind and facts) when the file is one (``known`` is not the generic mapping)."""
    name = _first(columns, NAME_COLUMNS)
    stem = file_name.rsplit(".", 1)[0]
    answers = FormAnswers(
        title_ja=stem,
        title_en=stem,
        name_column=name,
        name_en_column=_first(columns, ENGLISH_NAME_COLUMNS),
        summary_column=_first(columns, SUMMARY_COLUMNS),
        address_column=_first(columns, ADDRESS_COLUMNS),
        id_column=_first(columns, ID_COLUMNS),
        source=stem,
    )
    if known is None or known.name in ("generic", "ninohe"):
        return answers
    return FormAnswers(
        **{
            **answers.__dict__,
            "kind": known.kind,
            "title_ja": known.title_ja,
            "title_en": known.title_en,
            "fact_columns": tuple(d.field for d in known.details if d.field in columns),
            "measure": _constant(known.properties.get("measure")),
        }
    )


def _constant(templates: tuple[str, ...] | None) -> str:
    """A property's value when the mapping sets it to one constant (no ``{…}``), else ''."""
    if templates and len(templates) == 1 and "{" not in templates[0]:
        return templates[0]
    return ""


def fact_candidates(columns: list[str], answers: FormAnswers) -> list[str]:
    """Columns the form offers as facts: every column not already used and not a coordinate."""
    used = {answers.name_column, answers.name_en_column, answers.id_column}
    return [c for c in columns if c and c not in used and c not in NOT_FACTS and len(c) <= 40]


def _field(column: str) -> str:
    return "{" + column + "}"


def form_document(answers: FormAnswers, layer: str) -> dict[str, object]:
    """The mapping YAML's content for ``answers`` (see :mod:`ninohe_geo.io.mapping`)."""
    props: dict[str, object] = {}
    if answers.name_column:
        props["name_ja"] = _field(answers.name_column)
        # No English column: the Japanese name as it is, rather than a guessed romanisation.
        props["name_en"] = [_field(c) for c in (answers.name_en_column, answers.name_column) if c]
    if answers.kind == "plan" or answers.measure:
        props["measure"] = answers.measure
    props["status"] = answers.status
    # The summary column where a row has one, else the form's sentence, else the layer title.
    summary_ja = answers.summary_ja or answers.title_ja or layer
    summary_en = answers.summary_en or answers.title_en or summary_ja
    column = [_field(answers.summary_column)] if answers.summary_column else []
    props["summary_ja"] = [*column, summary_ja]
    props["summary_en"] = [*column, summary_en]
    props["accuracy"] = answers.accuracy
    props["source"] = answers.source
    if answers.source_url:
        props["source_url"] = answers.source_url
    props["updated"] = "{@today}"
    facts = list(answers.fact_columns)
    if answers.address_column and answers.address_column not in facts:
        facts.append(answers.address_column)
    doc: dict[str, object] = {
        "name": f"form-{layer}",
        "kind": answers.kind,
        "title_ja": answers.title_ja or layer,
        "title_en": answers.title_en or answers.title_ja or layer,
        "id": [f"{layer}-{_field(answers.id_column)}"] if answers.id_column else [],
        "properties": props,
    }
    if not answers.id_column:
        doc["id"] = f"{layer}-{{@row}}"
    if facts:
        doc["details"] = {c: {"ja": c, "en": c} for c in facts}
    if answers.kind == "reference":
        doc["attribution"] = answers.source
    return doc


def form_mapping(answers: FormAnswers, layer: str) -> Mapping:
    """The :class:`Mapping` the answers make (with its YAML text, for the expert box)."""
    text = yaml.safe_dump(form_document(answers, layer), allow_unicode=True, sort_keys=False)
    return parse_mapping(text, "the import form")


def apply_answers(known: Mapping, answers: FormAnswers) -> Mapping:
    """A known dataset's mapping with the form's answers for what the form asks of it: the
    titles, the kind, the measure (a plan layer) and the source (a reference layer keeps its
    dataset's citation per row, and its attribution)."""
    doc = yaml.safe_load(known.yaml_text) if known.yaml_text else {}
    if not isinstance(doc, dict):
        doc = {}
    doc["title_ja"] = answers.title_ja or known.title_ja
    doc["title_en"] = answers.title_en or known.title_en
    doc["kind"] = answers.kind
    props = dict(doc.get("properties") or {})
    if answers.kind == "plan":
        props["measure"] = answers.measure
    elif not answers.measure:
        props.pop("measure", None)
    else:
        props["measure"] = answers.measure
    if answers.source and answers.source != known_source(known):
        props["source"] = answers.source
    doc["properties"] = props
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    return parse_mapping(text, f"mapping {known.name}")


def known_source(mapping: Mapping) -> str:
    """The citation template a known mapping writes (its first alternative), for the form."""
    templates = mapping.properties.get("source") or ("",)
    return templates[0]
