"""Empty templates to fill in: one CSV per table, or one workbook with a sheet per table whose
vocabulary columns offer drop-downs (data validation lists on a hidden ``vocab`` sheet), for the
tables of a model (declared columns and terms included)."""

from __future__ import annotations

from pathlib import Path

from stakegraph.loaders.csvsafe import write_csv
from stakegraph.loaders.readers import VOCAB_SHEET
from stakegraph.loaders.tables import Column, Tables
from stakegraph.schema.model import Label
from stakegraph.schema.vocabulary import ENTITY_SCHEMES, schemes

WORKBOOK_NAME = "stakegraph.xlsx"
# Rows of each sheet that carry the drop-downs (Excel's limit is 1,048,576).
_VALIDATED_ROWS = 100_000


def write_templates(directory: Path, specs: Tables, *, xlsx: bool = False) -> list[Path]:
    """Returns the files written for the tables ``specs``: one header-only CSV per table, or
    one workbook if ``xlsx``."""
    directory.mkdir(parents=True, exist_ok=True)
    if xlsx:
        return [_write_workbook(directory / WORKBOOK_NAME, specs)]
    written = []
    for spec in specs.specs:
        path = directory / f"{spec.name}.csv"
        write_csv(path, spec.column_names, [])
        written.append(path)
    return written


def _entity_ids(label: Label) -> list[str]:
    return [t.id for name, lab in ENTITY_SCHEMES.items() if lab == label
            for t in schemes()[name].terms]


def _choices(table: str, column: Column) -> tuple[list[str], bool] | None:
    """Returns the drop-down values of a column and whether other values are refused (a list
    of terms takes several, separated by ';', so it cannot be refused by the list)."""
    if column.choices:
        return list(column.choices), True
    if column.vocabulary is not None:
        return list(column.vocabulary.codes), not column.many
    if table == "activity_links" and column.name == "target_id":
        # Shipped strategies/objectives/outcomes are offered; custom ids stay allowed.
        ids = _entity_ids(Label.STRATEGY) + _entity_ids(Label.OBJECTIVE)
        return ids + _entity_ids(Label.OUTCOME), False
    if table == "observations" and column.name == "outcome_id":
        return _entity_ids(Label.OUTCOME), False
    return None


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _write_workbook(path: Path, specs: Tables) -> Path:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    vocab = book.create_sheet(VOCAB_SHEET)
    vocab_columns: dict[tuple[str, ...], str] = {}
    for spec in specs.specs:
        sheet = book.create_sheet(spec.name)
        sheet.append(list(spec.column_names))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for position, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[_letter(position)].width = max(12, len(column.name) + 2)
            found = _choices(spec.name, column)
            if found is None:
                continue
            values, strict = found
            key = tuple(values)
            if key not in vocab_columns:
                vocab_col = _letter(len(vocab_columns) + 1)
                vocab.cell(row=1, column=len(vocab_columns) + 1, value=column.scheme or column.name)
                for row, value in enumerate(values, start=2):
                    vocab.cell(row=row, column=len(vocab_columns) + 1, value=value)
                vocab_columns[key] = f"{VOCAB_SHEET}!${vocab_col}$2:${vocab_col}${len(values) + 1}"
            validation = DataValidation(
                type="list", formula1=vocab_columns[key], allow_blank=True,
                showErrorMessage=strict, errorStyle="stop",
                error=f"Pick a value of {column.scheme or column.name} from the list.",
            )
            if column.many:
                validation.showInputMessage = True
                validation.promptTitle = column.name
                validation.prompt = f"One or more terms of {column.scheme}, separated by ';'."
            letter = _letter(position)
            validation.add(f"{letter}2:{letter}{_VALIDATED_ROWS}")
            sheet.add_data_validation(validation)
    vocab.sheet_state = "hidden"
    # The first visible sheet opens first.
    book.active = 1
    book.save(path)
    return path
