"""Re-sorting a flat table model in place while the view keeps its selection and current row."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex


def keep_rows_through_relayout(
    model: QAbstractItemModel, visible: Sequence[int], rebuild: Callable[[], Sequence[int]]
) -> None:
    """`visible` maps view rows to record positions now; `rebuild` updates the model and returns the new map.
    Persistent indexes (selection, current row) follow their records; a record no longer shown drops out."""
    model.layoutAboutToBeChanged.emit()
    persistent = model.persistentIndexList()
    held = [visible[p.row()] if p.isValid() and p.row() < len(visible) else None for p in persistent]
    position = {record: row for row, record in enumerate(rebuild())}
    model.changePersistentIndexList(
        persistent,
        [
            model.index(position[h], p.column()) if h is not None and h in position else QModelIndex()
            for p, h in zip(persistent, held, strict=True)
        ],
    )
    model.layoutChanged.emit()
