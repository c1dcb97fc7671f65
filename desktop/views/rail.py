"""The narrow rail at the far left: Home and the communities (with their subspaces) to filter by."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QVBoxLayout, QWidget

from cercle.desktop.delegates.rail import WIDTH, RailDelegate
from cercle.desktop.models.spaces import SpaceListModel, SpaceRole


class Rail(QWidget):
    """Arrows move between entries, Enter or a click selects; `communitySelected` says which
    ("" for Home). The selection follows its community when rows move or others come and go."""

    communitySelected = Signal(str)

    def __init__(self, model: SpaceListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.selected = ""
        self.list = QListView(self)
        self.list.setObjectName("communityRail")
        self.list.setModel(model)
        self.list.setItemDelegate(RailDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setMouseTracking(True)  # hover rings
        # The window's colour, not a list's white: the rail reads as part of the frame.
        self.list.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self.setFixedWidth(WIDTH + 4)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.addWidget(self.list)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        model.rowsInserted.connect(self._keep_selection)
        model.rowsRemoved.connect(self._keep_selection)
        model.rowsMoved.connect(self._keep_selection)
        self._keep_selection()
        self.retranslate()

    def set_account_switcher(self, widget: QWidget) -> None:
        """Puts the accounts' switcher (several accounts side by side) at the top of the rail,
        above Home and the communities; it must fit the rail's width."""
        self._layout.insertWidget(0, widget)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        self._layout.insertWidget(1, line)

    def retranslate(self) -> None:
        self.list.setAccessibleName(self.tr("Communities"))
        self.list.setAccessibleDescription(
            self.tr("Home and your communities: choose one to see only its rooms")
        )
        self.list.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def select(self, space_id: str) -> None:
        """Selects a community ("" Home), as a click would; unknown ids select Home."""
        row = self.model.row_of(space_id)
        if row < 0:  # rooms that arrived this very turn: the rail has not caught up yet
            self.model.refresh()
            row = self.model.row_of(space_id)
        if row < 0:
            row = self.model.row_of("")
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        node = indexes[0].data(SpaceRole.Node)
        if node is not None and node.space_id != self.selected:
            self.selected = node.space_id
            self.communitySelected.emit(node.space_id)

    def _keep_selection(self, *_args) -> None:
        row = self.model.row_of(self.selected)
        if row < 0:  # the community went away (left it): back to Home
            self.select("")
            return
        index = self.model.index(row)
        if not self.list.selectionModel().isSelected(index):
            self.list.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
