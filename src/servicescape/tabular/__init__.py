"""Reading the spreadsheets and CRM exports people bring, and the messy values in them.

Pure functions and streaming readers, no database: ``open_table`` for CSV/XLSX files,
``values`` for amounts, dates, countries and text, ``headers`` for recognising another
CRM's columns, ``formulas`` for the formula-injection defence. Errors are ``TabularError``.
"""

from servicescape.tabular.errors import TabularError
from servicescape.tabular.formulas import neutralise, restore
from servicescape.tabular.headers import FIELDS, HeaderMap, map_headers, parse_mapping_option
from servicescape.tabular.reading import Cell, Record, Table, open_table
from servicescape.tabular.values import (
    clean_text,
    infer_dayfirst,
    normalise_country,
    parse_bool,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_decimal,
)

__all__ = [
    "FIELDS",
    "Cell",
    "HeaderMap",
    "Record",
    "Table",
    "TabularError",
    "clean_text",
    "infer_dayfirst",
    "map_headers",
    "neutralise",
    "normalise_country",
    "open_table",
    "parse_bool",
    "parse_currency",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_mapping_option",
    "restore",
]
