"""Training examples from a CSV export of an older complaint system (cold start) or from any labelled CSV.

A label that names the office of the report's own place ("Kecamatan Tegalsari" for a report from the kecamatan
Tegalsari) becomes the generic label ``@kecamatan``: "the office of the place where it happened". The model then
learns one label for all district (or village) offices instead of dozens of rare ones, and
:func:`resolve_label` turns the suggestion back into the concrete office of a new report's place.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from .learn import Example

PLACE_LABEL_PREFIX = "@"
# Words an office name may start with for a place column (the column's own name always counts).
OFFICE_WORDS = {
    "kecamatan": ("kecamatan", "kec", "distrik"),
    "kelurahan": ("kelurahan", "kel", "desa"),
    "desa": ("desa", "kelurahan", "kel"),
    "kabupaten": ("kabupaten", "kab"),
    "kota": ("kota", "pemerintah kota", "pemkot"),
}
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass
class ReadStats:
    """What :func:`read_examples` did: rows read, rows skipped for an empty text or label, labels made generic."""

    rows: int = 0
    skipped_empty: int = 0
    place_relative: int = 0


def _key(name: str) -> str:
    """A place name for comparison: "Wonorejo - Rungkut", "wonorejo rungkut" and "WonorejoRungkut" are equal."""
    return _NOT_ALNUM.sub("", str(name).lower())


def same_place(a: str, b: str) -> bool:
    """Two spellings of one place name ("Pabean Cantian" / "Pabean Cantikan", "Gunung Anyar" / "Gununganyar")."""
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 6 and SequenceMatcher(None, ka, kb).ratio() >= 0.9)


def _office_words(column: str) -> tuple[str, ...]:
    column_key = column.strip().lower()
    return tuple(dict.fromkeys((column_key, *OFFICE_WORDS.get(column_key, ()))))


def place_relative_label(label: str, places_by_column: Mapping[str, str]) -> str:
    """``@<column>`` if ``label`` names the office of the row's own place in that column, else ``label``."""
    lowered = " ".join(label.lower().split())
    for column, place in places_by_column.items():
        if not place or not str(place).strip():
            continue
        for word in _office_words(column):
            if lowered.startswith(word + " ") and same_place(lowered[len(word) + 1 :], place):
                return PLACE_LABEL_PREFIX + column.strip().lower()
    return label


def resolve_label(label: str, row_places_by_column: Mapping[str, str], offices: Iterable[str] = ()) -> str:
    """The concrete office for a (possibly generic) label and a report's places: ``@kecamatan`` with kecamatan
    "Tegalsari" -> "Kecamatan Tegalsari". With ``offices`` (the known office names), the one that matches is
    returned in its own spelling ("Kecamatan Pabean Cantian" for the place "Pabean Cantikan"). A label that is not
    generic is returned as it is; a generic one whose place is unknown too (there is no office to name)."""
    if not label.startswith(PLACE_LABEL_PREFIX):
        return label
    column = label[len(PLACE_LABEL_PREFIX) :]
    places = {c.strip().lower(): p for c, p in row_places_by_column.items()}
    place = places.get(column)
    if not place or not str(place).strip():
        return label
    for office in offices:
        if place_relative_label(office, {column: place}) == label:
            return office
    return f"{column.title()} {str(place).strip()}"


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _dialect(sample: str) -> str:
    first_line = sample.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_examples(
    path,
    *,
    text_col: str,
    label_col: str,
    location_cols: Sequence[str] = (),
    place_relative: bool = True,
    stats: ReadStats | None = None,
) -> list[Example]:
    """Examples from a CSV file (UTF-8 with or without BOM; comma or semicolon separated). ``location_cols`` are
    the place columns, widest first (e.g. kecamatan, kelurahan); rows with an empty text or label are skipped and
    counted in ``stats``. Raises ValueError (in Indonesian) when a named column is missing."""
    stats = stats if stats is not None else ReadStats()
    content = _decode(Path(path).read_bytes())
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=_dialect(content))
    header = [h.strip() for h in (reader.fieldnames or [])]
    columns = {h.lower(): raw for h, raw in zip(header, reader.fieldnames or [], strict=False)}
    wanted = [text_col, label_col, *location_cols]
    missing = [c for c in wanted if c.strip().lower() not in columns]
    if missing:
        raise ValueError(
            "Kolom tidak ditemukan di berkas CSV: {missing}. Kolom yang ada: {present}.".format(
                missing=", ".join(missing), present=", ".join(header) or "(tidak ada)"
            )
        )
    text_key, label_key = columns[text_col.strip().lower()], columns[label_col.strip().lower()]
    place_keys = [(c.strip().lower(), columns[c.strip().lower()]) for c in location_cols]
    examples = []
    for row in reader:
        stats.rows += 1
        text = (row.get(text_key) or "").strip()
        label = (row.get(label_key) or "").strip()
        if not text or not label:
            stats.skipped_empty += 1
            continue
        by_column = {column: (row.get(key) or "").strip() for column, key in place_keys}
        if place_relative:
            generic = place_relative_label(label, by_column)
            if generic != label:
                stats.place_relative += 1
                label = generic
        examples.append(Example(text=text, label=label, places=tuple(p for p in by_column.values() if p)))
    return examples
