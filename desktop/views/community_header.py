"""The open community's header: name, kind (partners marked), purpose, editorial line, guides."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLocale, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.protocol.community.context import Guide
from cercle.protocol.community.state import Community

# Badge colours (white text on them is ≥ 4.5:1): partners in the rooms list's "external" orange.
KIND_COLOURS = {"partner": "#c2410c", "internal": "#1864ab", "public": "#2b8a3e"}


def language_name(tag: str) -> str:
    """`fr` → français: the language's own name (what its speakers call it)."""
    locale = QLocale(tag)
    if locale.language() == QLocale.Language.C:
        return tag
    return locale.nativeLanguageName() or tag


class CommunityHeader(QFrame):
    """Hidden until a room of a community (or the community itself) is open."""

    charterRequested = Signal()
    browseRequested = Signal()
    rolesRequested = Signal()
    aclRequested = Signal()
    inviteRequested = Signal()
    moderationLogRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communityHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.community: Community | None = None
        self.guides: list[Guide] = []
        self.manager = self.moderator = False

        self.name = QLabel(self)
        self.name.setObjectName("communityName")
        font = QFont(self.name.font())
        font.setBold(True)
        self.name.setFont(font)
        self.kind = QLabel(self)
        self.kind.setObjectName("communityKind")
        self.purpose = QLabel(self)
        self.purpose.setObjectName("communityPurpose")
        self.purpose.setWordWrap(True)
        self.editorial = QLabel(self)
        self.editorial.setObjectName("communityEditorial")
        self.editorial.setWordWrap(True)
        self.guest = QLabel(self)
        self.guest.setObjectName("communityGuest")
        self.guest.setWordWrap(True)
        self.guest_server = ""
        self.guide_list = QLabel(self)
        self.guide_list.setObjectName("communityGuides")
        self.guide_list.setWordWrap(True)

        self.charter_button = QPushButton(self)
        self.browse_button = QPushButton(self)
        self.manage_button = QPushButton(self)
        self.manage_menu = QMenu(self)
        self.manage_button.setMenu(self.manage_menu)
        self.roles_action = self.manage_menu.addAction("", self.rolesRequested.emit)
        self.acl_action = self.manage_menu.addAction("", self.aclRequested.emit)
        self.invite_action = self.manage_menu.addAction("", self.inviteRequested.emit)
        self.log_action = self.manage_menu.addAction("", self.moderationLogRequested.emit)

        title = QHBoxLayout()
        title.addWidget(self.name)
        title.addWidget(self.kind)
        title.addStretch(1)
        title.addWidget(self.charter_button)
        title.addWidget(self.browse_button)
        title.addWidget(self.manage_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        layout.addLayout(title)
        layout.addWidget(self.purpose)
        layout.addWidget(self.editorial)
        layout.addWidget(self.guest)
        layout.addWidget(self.guide_list)

        self.charter_button.clicked.connect(self.charterRequested)
        self.browse_button.clicked.connect(self.browseRequested)
        self.guest.hide()
        self.hide()
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Community"))
        self.charter_button.setText(self.tr("Charter"))
        self.charter_button.setAccessibleName(self.tr("Read the community's charter"))
        self.browse_button.setText(self.tr("Rooms…"))
        self.browse_button.setAccessibleName(self.tr("Browse the community's rooms"))
        self.manage_button.setText(self.tr("Manage"))
        self.manage_button.setAccessibleName(self.tr("Manage the community"))
        self.roles_action.setText(self.tr("Roles and charter acceptance…"))
        self.acl_action.setText(self.tr("Partner servers…"))
        self.invite_action.setText(self.tr("Invite someone…"))
        self.log_action.setText(self.tr("Moderation log…"))
        if self.community is not None:
            self.show_community(
                self.community,
                manager=self.manager,
                moderator=self.moderator,
                guest_from=self.guest_server,
            )

    def kind_text(self, kind: str) -> str:
        return {
            "partner": self.tr("Partner community"),
            "public": self.tr("Public community"),
        }.get(kind, self.tr("Internal community"))

    def post_type_name(self, post_type: str) -> str:
        return {
            "text": self.tr("messages"),
            "question": self.tr("questions"),
            "idea": self.tr("ideas"),
            "announcement": self.tr("announcements"),
            "document": self.tr("documents"),
        }.get(post_type, post_type)

    def editorial_text(self, community: Community) -> str:
        line = community.editorial
        if line is None:
            return ""
        types = ", ".join(self.post_type_name(t) for t in line.allowed_post_types)
        parts = [self.tr("Tone: {tone}").format(tone=line.tone)] if line.tone else []
        parts.append(self.tr("Posts: {types}").format(types=types))
        parts.append(self.tr("Language: {language}").format(language=language_name(line.language)))
        return " · ".join(parts)

    def show_community(
        self,
        community: Community,
        *,
        manager: bool = False,
        moderator: bool = False,
        guest_from: str = "",
    ) -> None:
        """`guest_from`: our own server when we take part from another company's."""
        self.community, self.manager, self.moderator = community, manager, moderator
        self.guest_server = guest_from
        self.guest.setText(
            self.tr(
                "You take part as a partner guest from {server}: what you post here is read by"
                " another company."
            ).format(server=guest_from)
            if guest_from
            else ""
        )
        self.guest.setVisible(bool(guest_from))
        self.name.setText(community.name or community.space_id)
        kind = community.info.kind if community.info else "internal"
        self.kind.setText(self.kind_text(kind))
        self.kind.setProperty("kind", kind)
        colour = KIND_COLOURS.get(kind, KIND_COLOURS["internal"])
        self.kind.setStyleSheet(
            f"QLabel {{ background: {colour}; color: white; border-radius: 8px;"
            " padding: 1px 8px; font-weight: bold; }"
        )
        purpose = community.info.purpose if community.info else ""
        self.purpose.setText(purpose)
        self.purpose.setVisible(bool(purpose))
        editorial = self.editorial_text(community)
        self.editorial.setText(editorial)
        self.editorial.setVisible(bool(editorial))
        self.charter_button.setVisible(community.charter is not None)
        self.manage_button.setVisible(manager or moderator)
        for action in (self.roles_action, self.acl_action, self.invite_action):
            action.setVisible(manager)
        self.invite_action.setVisible(manager or moderator)
        self._show_guides()
        self.show()

    def set_guides(self, guides: list[Guide]) -> None:
        self.guides = guides
        self._show_guides()

    def _show_guides(self) -> None:
        titles = [g.body.splitlines()[0].lstrip("# ").strip() for g in self.guides if g.body]
        titles = [t[:80] + ("…" if len(t) > 80 else "") for t in titles if t]
        self.guide_list.setText(
            self.tr("Guides: {titles}").format(titles=" · ".join(titles)) if titles else ""
        )
        self.guide_list.setVisible(bool(titles))

    def clear(self) -> None:
        self.community = None
        self.guides = []
        self.hide()
