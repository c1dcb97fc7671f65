"""Canned community governance screens for screenshots: header, charter, roles, partner servers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from cercle.desktop.dialogs.acl import AclDialog
from cercle.desktop.dialogs.charter import CharterDialog
from cercle.desktop.dialogs.roles import RolesDialog
from cercle.desktop.tools import sample
from cercle.desktop.views.community import block_text, charter_action_text, placeholder_text
from cercle.desktop.views.community_header import CommunityHeader
from cercle.protocol.community import schema
from cercle.protocol.community.charter import can_post
from cercle.protocol.community.context import Guide, Member
from cercle.protocol.community.roles import Role
from cercle.protocol.community.state import Community, community_from_state

MANAGER = "@hugo.bernard:velotech.example"
CHARTER = (
    "# Charte du réseau revendeurs\n\n"
    "1. **Courtoisie** : vous parlez au nom de votre entreprise.\n"
    "2. Les conditions commerciales se discutent en message direct, jamais ici.\n"
    "3. Les informations du salon *Lancement gamme 2027* restent confidentielles"
    " jusqu’à l’embargo.\n"
    "4. Les modérateurs peuvent retirer un message qui ne respecte pas ces règles.\n\n"
    "_Nouveau dans la version 2 : la règle 3 sur l’embargo._"
)


def community() -> Community:
    """The partners' network: partner kind, charter v2 (Léa accepted v1 only), editorial line."""
    state = [
        {"type": "m.room.create", "sender": MANAGER, "state_key": "",
         "content": {"room_version": "10"}},
        {"type": "m.room.name", "state_key": "", "content": {"name": "Réseau revendeurs"}},
        {"type": schema.COMMUNITY, "state_key": "", "content": schema.community_content(
            "partner", "Vélotech et ses revendeurs : gamme, salons, service après-vente")},
        {"type": schema.CHARTER, "state_key": "", "content": schema.charter_content(2, CHARTER)},
        {"type": schema.EDITORIAL, "state_key": "", "content": schema.editorial_content(
            "Courtois et professionnel", ["text", "question", "announcement", "document"], "fr")},
        {"type": "m.space.child", "state_key": sample.PARTNERS, "content": {"via": ["x"]}},
        {"type": "m.room.power_levels", "state_key": "",
         "content": {"users": {MANAGER: 100, sample.ME: 100,
                               "@sophie.martin:velotech.example": 50}}},
        *(
            {"type": schema.ACCEPTANCE, "state_key": user, "sender": user,
             "content": {"version": version}}
            for user, version in (
                (MANAGER, 2), (sample.ME, 2), ("@sophie.martin:velotech.example", 2),
                ("@karim.haddad:rouelibre.example", 2), ("@lea.moreau:rouelibre.example", 1),
            )
        ),
    ]  # fmt: skip
    levels = {"users": {MANAGER: 100}, "events_default": 0}
    return community_from_state(sample.VELOTECH, state, {sample.PARTNERS: levels})


def guides() -> list[Guide]:
    return [
        Guide(sample.PARTNERS, "$g1", MANAGER, "# Bien préparer un salon\n…"),
        Guide(sample.PARTNERS, "$g2", MANAGER, "Retours SAV : le formulaire et les délais"),
    ]


def members() -> list[Member]:
    c = community()
    roles = {MANAGER: Role.MANAGER, sample.ME: Role.MANAGER,
             "@sophie.martin:velotech.example": Role.MODERATOR}  # fmt: skip
    people = [MANAGER, sample.ME, "@sophie.martin:velotech.example",
              "@karim.haddad:rouelibre.example", "@lea.moreau:rouelibre.example",
              "@ines.costa:cyclonord.example"]  # fmt: skip
    out = []
    for user in people:
        external = not user.endswith(":velotech.example")
        role = roles.get(user, Role.PARTNER_GUEST if external else Role.MEMBER)
        out.append(Member(user, sample.PEOPLE[user], role, external, c.acceptances.get(user, 0)))
    return out


def community_home(home_view: Callable[[], QWidget], user_id: str) -> QWidget:
    """The home screen with the partners' room open under its community header; the composer
    gated as CommunityController gates it for `user_id` (Léa: the new charter to accept)."""
    view = home_view()
    header = CommunityHeader(view)
    view.set_community_header(header)  # type: ignore[attr-defined]
    c = community()
    external = not user_id.endswith(":velotech.example")
    header.show_community(
        c, manager=user_id == sample.ME, guest_from=user_id.split(":", 1)[1] if external else ""
    )
    header.set_guides(guides())
    composer = view.composer  # type: ignore[attr-defined]
    composer.set_enabled(True)
    composer.set_placeholder(placeholder_text(c))
    check = can_post(c, user_id, sample.PARTNERS)
    if not check.allowed:
        composer.set_blocked(block_text(c, user_id, check), charter_action_text())
    return view


def charter_dialog() -> CharterDialog:
    """Léa's view: version 2 after she accepted version 1."""
    return CharterDialog("Réseau revendeurs", community().charter, 1)  # type: ignore[arg-type]


def roles_dialog() -> RolesDialog:
    dialog = RolesDialog("Réseau revendeurs", 2)
    dialog.set_members(members())
    dialog.select("@karim.haddad:rouelibre.example")
    return dialog


def acl_dialog() -> AclDialog:
    """The partner servers, after trying to remove the company's own (the refusal shows)."""
    dialog = AclDialog(
        "Réseau revendeurs", "velotech.example", ("rouelibre.example", "*.cyclonord.example")
    )
    dialog.list.setCurrentIndex(dialog.model.index(0))
    dialog._remove()
    return dialog


SCREENS = ("community-header", "charter-gate", "charter", "roles", "acl")


def shots(home_view: Callable[[], QWidget]) -> list[tuple[QWidget, str, int, int | None]]:
    """Fresh widgets for one language and theme: (widget, screen name, width, height)."""
    return [
        (community_home(home_view, sample.ME), "community-header", 1100, 700),
        (community_home(home_view, "@lea.moreau:rouelibre.example"), "charter-gate", 1100, 700),
        (charter_dialog(), "charter", 560, 480),
        (roles_dialog(), "roles", 560, 520),
        (acl_dialog(), "acl", 520, 420),
    ]
