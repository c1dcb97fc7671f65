"""Canned French demo content (rooms, a day of messages, echoes) for screenshots and UI tests."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QDate, QDateTime, QTime

from cercle.protocol.changes import (
    Attachment,
    Message,
    ReactionChip,
    ReadReceipt,
    ReplyPreview,
    RoomsChanged,
    RoomSummary,
)
from cercle.protocol.panels import FileInfo, MemberInfo, PinnedInfo, ThreadInfo

ME = "@camille.laurent:velotech.example"
PARTNER_SERVER = "rouelibre.example"
PEOPLE = {
    ME: "Camille Laurent",
    "@hugo.bernard:velotech.example": "Hugo Bernard",
    "@sophie.martin:velotech.example": "Sophie Martin",
    "@lea.moreau:rouelibre.example": "Léa Moreau",
    "@karim.haddad:rouelibre.example": "Karim Haddad",
    "@ines.costa:cyclonord.example": "Inès Costa",
}
VELOTECH = "!velotech:velotech.example"
PARTNERS = "!partenaires:velotech.example"
EQUIPE = "!equipe:velotech.example"
ROUE_LIBRE = "!rouelibre:rouelibre.example"


def at(days_ago: int, hour: int, minute: int) -> int:
    """A timestamp in ms, `days_ago` days before today at hour:minute, local time."""
    day = QDate.currentDate().addDays(-days_ago)
    return QDateTime(day, QTime(hour, minute)).toMSecsSinceEpoch()


def _message(n: int, room: str, sender: str, body: str, ts: int, **kw) -> Message:
    return Message(f"$m{n}", room, sender, PEOPLE[sender], body, ts, encrypted=True, **kw)


def yesterday() -> list[Message]:
    """The day before in the partners' room: formatted text, reactions, an edit, a deletion."""
    karim, sophie = "@karim.haddad:rouelibre.example", "@sophie.martin:velotech.example"
    return [
        _message(
            100,
            PARTNERS,
            karim,
            "Le catalogue 2027 est en ligne : https://rouelibre.example/catalogue",
            at(1, 17, 30),
            html='Le <strong>catalogue 2027</strong> est en ligne : <a href="https://'
            'rouelibre.example/catalogue">rouelibre.example/catalogue</a>',
            reactions=(ReactionChip("🎉", 3, mine=True), ReactionChip("👍", 1)),
        ),
        _message(
            101,
            PARTNERS,
            sophie,
            "Code promo partenaires : SALON-LYON-26 (valable jusqu’au 30).",
            at(1, 17, 42),
            html="Code promo partenaires : <code>SALON-LYON-26</code> "
            "(valable jusqu’au <em>30</em>).",
            edited=True,
        ),
        _message(102, PARTNERS, "@hugo.bernard:velotech.example", "", at(1, 18, 5), redacted=True),
    ]


def partner_day() -> list[Message]:
    """Two days in the partners' room: several people, grouped lines, a long one, rich text, a
    reply, reactions, an edit, a deletion, a thread, two echoes."""
    lines = [
        (
            "@lea.moreau:rouelibre.example",
            0,
            8,
            52,
            "Bonjour à tous ! Les nouveaux cadres "
            "alu sont arrivés à l’entrepôt de Villeurbanne ce matin.",
        ),
        ("@lea.moreau:rouelibre.example", 0, 8, 53, "On peut en exposer six sur le stand."),
        (
            "@hugo.bernard:velotech.example",
            0,
            9,
            10,
            "Super nouvelle. Sophie, tu peux confirmer les dimensions du stand au salon de Lyon ?",
        ),
        (
            "@sophie.martin:velotech.example",
            0,
            9,
            24,
            "Oui : 6 m × 4 m, avec une prise "
            "électrique pour les vélos à assistance. Je mets le plan dans "
            "«\u00a0Documents salon\u00a0».",
        ),
        (
            "@karim.haddad:rouelibre.example",
            0,
            10,
            2,
            "Pour la logistique, nous livrons "
            "le jeudi 14 avant midi. Il faudra quelqu’un sur place pour signer le bon de "
            "livraison, et prévoir un chariot : les cartons pèsent près de 30 kg chacun.",
        ),
        (ME, 0, 10, 15, "Je serai là dès 9 h, je m’en occupe."),
        (
            "@ines.costa:cyclonord.example",
            0,
            11,
            40,
            "Nous venons aussi avec deux modèles cargo, si la place le permet ?",
        ),
        (
            "@hugo.bernard:velotech.example",
            0,
            14,
            5,
            "Bien sûr, Inès. On garde un coin pour vous près de l’entrée.",
        ),
    ]
    messages = [
        _message(n, PARTNERS, sender, body, at(days, h, m))
        for n, (sender, days, h, m, body) in enumerate(lines)
    ]
    hugo = "@hugo.bernard:velotech.example"
    messages[3] = replace(
        messages[3],
        reply_to=ReplyPreview("$m2", hugo, PEOPLE[hugo], " ".join(lines[2][4].split())),
    )
    messages[4] = replace(
        messages[4], reactions=(ReactionChip("👍", 2, mine=True), ReactionChip("🚚", 1))
    )
    messages[5] = replace(messages[5], thread_count=3)
    messages = yesterday() + messages
    messages.append(
        Message(
            "$utd",
            PARTNERS,
            "@karim.haddad:rouelibre.example",
            PEOPLE["@karim.haddad:rouelibre.example"],
            "Encrypted message: the key has not reached this device yet",
            at(0, 15, 20),
            encrypted=True,
            undecryptable=True,
        )
    )
    messages.append(
        Message(
            "~txn-1",
            PARTNERS,
            ME,
            PEOPLE[ME],
            "Parfait, merci à tous ! Je prépare les badges exposants.",
            at(0, 16, 2),
            txn_id="txn-1",
            state="failed",
            failure="You are not allowed to send messages in this room",
        )
    )
    messages.append(
        Message(
            "~txn-2",
            PARTNERS,
            ME,
            PEOPLE[ME],
            "Je vous envoie la liste d’ici ce soir.",
            at(0, 16, 3),
            txn_id="txn-2",
            state="sending",
        )
    )
    return messages


def rooms() -> RoomsChanged:
    """Two communities, rooms with partners from other servers, a DM, an invitation."""
    day = partner_day()

    def last(room: str, sender: str, body: str, ts: int) -> Message:
        return Message(f"$last{room}", room, sender, PEOPLE[sender], body, ts)

    summaries = (
        RoomSummary(
            VELOTECH,
            "Vélotech",
            is_space=True,
            children=(PARTNERS, "!annonces:velotech.example", "!cafe:velotech.example", EQUIPE),
            community_kind="internal",
        ),
        RoomSummary(
            EQUIPE,
            "Équipe commerciale",
            is_space=True,
            parents=(VELOTECH,),
            children=("!support:velotech.example",),
        ),
        RoomSummary(
            ROUE_LIBRE,
            "Roue Libre",
            is_space=True,
            children=("!catalogue:rouelibre.example",),
            community_kind="partner",
        ),
        RoomSummary(
            "!catalogue:rouelibre.example",
            "Catalogue 2027",
            parents=(ROUE_LIBRE,),
            external_servers=(PARTNER_SERVER,),
            unread_count=3,
            last_message=last(
                "!catalogue:rouelibre.example",
                "@lea.moreau:rouelibre.example",
                "Les fiches produits des cadres alu sont prêtes.",
                at(0, 11, 5),
            ),
        ),
        RoomSummary(
            "!dm-lea:rouelibre.example",
            "Léa Moreau",
            encrypted=True,
            is_direct=True,
            external_servers=(PARTNER_SERVER,),
            unread_count=1,
            highlight_count=1,
            last_message=last(
                "!dm-lea:rouelibre.example",
                "@lea.moreau:rouelibre.example",
                "Camille, tu peux valider les prix revendeurs ?",
                at(0, 15, 48),
            ),
        ),
        RoomSummary(
            PARTNERS,
            "Salon partenaires",
            topic="Préparation du salon de Lyon avec nos revendeurs",
            encrypted=True,
            parents=(VELOTECH,),
            external_servers=("cyclonord.example", PARTNER_SERVER),
            last_message=next(m for m in reversed(day) if m.state == "sent"),
            unread_count=2,
            highlight_count=1,
        ),
        RoomSummary(
            "!annonces:velotech.example",
            "Annonces",
            topic="Les nouvelles de l’entreprise",
            parents=(VELOTECH,),
            unread_count=1,
            last_message=last(
                "!annonces:velotech.example",
                "@sophie.martin:velotech.example",
                "La cantine sera fermée vendredi pour travaux.",
                at(0, 9, 30),
            ),
        ),
        RoomSummary(
            "!support:velotech.example",
            "Support technique revendeurs et distributeurs Europe du Sud",
            encrypted=True,
            parents=(EQUIPE,),
            external_servers=(PARTNER_SERVER,),
            unread_count=5,
            last_message=last(
                "!support:velotech.example",
                "@karim.haddad:rouelibre.example",
                "Le ticket 4512 est résolu : c’était le firmware du moteur.",
                at(1, 17, 45),
            ),
        ),
        RoomSummary(
            "!dm-hugo:velotech.example",
            "Hugo Bernard",
            encrypted=True,
            is_direct=True,
            last_message=last(
                "!dm-hugo:velotech.example",
                "@hugo.bernard:velotech.example",
                "Tu as vu le devis de Cyclonord ?",
                at(0, 12, 12),
            ),
        ),
        RoomSummary(
            "!lyon:rouelibre.example",
            "Salon de Lyon 2026",
            invited=True,
            external_servers=(PARTNER_SERVER,),
        ),
        RoomSummary(
            "!cafe:velotech.example",
            "Machine à café",
            parents=(VELOTECH,),
            last_message=last(
                "!cafe:velotech.example",
                "@hugo.bernard:velotech.example",
                "Elle refonctionne !",
                at(400, 8, 0),
            ),
        ),
    )
    return RoomsChanged(summaries)


def members() -> list[MemberInfo]:
    """The partners' room's people, from three organisations, with their roles."""
    rows = [
        (ME, 100, "manager"),
        ("@hugo.bernard:velotech.example", 50, "moderator"),
        ("@sophie.martin:velotech.example", 0, "member"),
        ("@lea.moreau:rouelibre.example", 0, "partner_guest"),
        ("@karim.haddad:rouelibre.example", 0, "partner_guest"),
        ("@ines.costa:cyclonord.example", 0, "partner_guest"),
    ]
    return [
        MemberInfo(
            user_id,
            PEOPLE[user_id],
            user_id.split(":", 1)[1],
            not user_id.endswith(":velotech.example"),
            level,
            role,
        )
        for user_id, level, role in rows
    ]


def room_files() -> list[FileInfo]:
    """What the partners' room shared, newest first."""
    lea, sophie = "@lea.moreau:rouelibre.example", "@sophie.martin:velotech.example"
    return [
        FileInfo(
            "$f3", sophie, PEOPLE[sophie], "Plan du stand.pdf", "m.file", "", 482_000, at(0, 9, 25)
        ),
        FileInfo(
            "$f2",
            lea,
            PEOPLE[lea],
            "cadres-alu.jpg",
            "m.image",
            "image/jpeg",
            2_400_000,
            at(0, 8, 54),
        ),
        FileInfo(
            "$f1",
            lea,
            PEOPLE[lea],
            "Tarifs revendeurs 2027.xlsx",
            "m.file",
            "",
            61_000,
            at(1, 16, 2),
        ),
    ]


def room_threads() -> list[ThreadInfo]:
    day = partner_day()
    return [ThreadInfo(day[8], 3, at(0, 10, 40)), ThreadInfo(day[3], 2, at(1, 18, 1))]


def room_pins() -> list[PinnedInfo]:
    day = partner_day()
    return [PinnedInfo(day[7].event_id, day[7]), PinnedInfo(day[0].event_id, day[0])]


# -- trust screens: the emoji of a verification, the security settings ----------------------

SAS_EMOJI = (
    ("🐶", "Dog"),
    ("🔑", "Key"),
    ("🚀", "Rocket"),
    ("🎸", "Guitar"),
    ("🌵", "Cactus"),
    ("☂️", "Umbrella"),
    ("👍", "Thumbs Up"),
)
VERIFYING = "@lea.moreau:rouelibre.example"
HOMESERVER = "https://matrix.velotech.example"  # what velotech.example's discovery names


def login_flows():
    """How Velotech's homeserver lets people sign in: a password, or two SSO providers."""
    from cercle.protocol.sso import IdentityProvider, LoginFlows

    return LoginFlows(
        password=True,
        sso=True,
        token=True,
        providers=(
            IdentityProvider("oidc-entra", "Microsoft Entra ID"),
            IdentityProvider("oidc-velotech", "Velotech Connect"),
        ),
    )


def mention_candidates():
    """The partners' room's members as the composer offers them after `@`."""
    from cercle.protocol.composing import mention_candidates as candidates

    return candidates(PEOPLE.items(), ME)


def security_state():
    """Recovery set up here, a backup with keys, three devices of mixed trust, a keyring."""
    from cercle.desktop.trust import SecurityState
    from cercle.protocol.devices import OwnDevice
    from cercle.protocol.trust.crosssigning import TrustLevel

    devices = (
        OwnDevice("KQXWZBTNPE", "Cercle (portable)", TrustLevel.VERIFIED, True, at(0, 9, 12)),
        OwnDevice("HJDUEIRNVA", "Element (téléphone)", TrustLevel.VERIFIED, False, at(1, 18, 3)),
        OwnDevice("PLMOKNIJBU", "Cercle (poste fixe)", TrustLevel.UNSIGNED, False, at(12, 8, 40)),
    )
    return SecurityState(
        user_id=ME,
        published_identity=True,
        identity_here=True,
        backup_version="3",
        keys_backed_up=148,
        backup_problem=None,
        devices=devices,
        store_mode="keyring",
        only_verified=False,
    )


def own_profile(with_picture: bool = True):
    """Our profile as the dialog shows it: a name, a picture (drawn here), the id and server."""
    from cercle.protocol.profile_edit import OwnProfile

    picture = None
    if with_picture:
        from cercle.desktop.tools.screenshots import sample_photo

        picture = sample_photo(96, 96)
    return OwnProfile(ME, "velotech.example", PEOPLE[ME], "mxc://velotech.example/a", picture)


QUIET_ROOMS = {"!cafe:velotech.example": "mute", "!annonces:velotech.example": "mentions"}


def busy_timeline() -> tuple[list[Message], list[ReadReceipt], list[Message]]:
    """A busy afternoon in the partners' room: a photo, a file, a reply, reactions, a thread
    root with its summary, a message this device cannot read yet (and its fix), read
    receipts; then that thread's messages for the thread panel."""
    lea, karim = "@lea.moreau:rouelibre.example", "@karim.haddad:rouelibre.example"
    hugo, sophie = "@hugo.bernard:velotech.example", "@sophie.martin:velotech.example"
    ines = "@ines.costa:cyclonord.example"
    photo = Attachment(
        "image", "stand-lyon.jpg", 412_000, "image/jpeg", 1600, 1000, has_thumbnail=True
    )
    plan = Attachment("file", "plan-stand-salon-lyon.pdf", 1_840_000, "application/pdf")
    rows = [
        _message(200, PARTNERS, lea, "Voici le stand monté hier soir :", at(0, 13, 2), pos=200),
        _message(201, PARTNERS, lea, "stand-lyon.jpg", at(0, 13, 2), attachment=photo, pos=201),
        _message(
            202,
            PARTNERS,
            sophie,
            "Superbe ! Le plan définitif est ici.",
            at(0, 13, 20),
            reactions=(ReactionChip("😍", 3, mine=True), ReactionChip("👏", 2)),
            pos=202,
        ),
        _message(
            203,
            PARTNERS,
            sophie,
            "plan-stand-salon-lyon.pdf",
            at(0, 13, 21),
            attachment=plan,
            pos=203,
        ),
        _message(
            204,
            PARTNERS,
            hugo,
            "Qui s’occupe des badges exposants pour jeudi ?",
            at(0, 14, 5),
            thread_count=3,
            thread_last_sender=PEOPLE[karim],
            pos=204,
        ),
        _message(
            205,
            PARTNERS,
            karim,
            "Nous avons reçu les cartons, merci.",
            at(0, 14, 40),
            reply_to=ReplyPreview("$m203", sophie, PEOPLE[sophie], "plan-stand-salon-lyon.pdf"),
            pos=205,
        ),
        Message(
            "$m206",
            PARTNERS,
            ines,
            PEOPLE[ines],
            "",
            at(0, 15, 1),
            encrypted=True,
            undecryptable=True,
            cause="unknown_device",
            pos=206,
        ),
        _message(207, PARTNERS, ME, "Je passe au stand vers 17 h.", at(0, 15, 30), pos=207),
    ]
    receipts = [
        ReadReceipt(lea, PEOPLE[lea], "$m207"),
        ReadReceipt(hugo, PEOPLE[hugo], "$m207"),
        ReadReceipt(sophie, PEOPLE[sophie], "$m205"),
        ReadReceipt(karim, PEOPLE[karim], "$m207"),
        ReadReceipt(ines, PEOPLE[ines], "$m207"),
    ]
    thread = [
        rows[4],
        _message(
            210,
            PARTNERS,
            sophie,
            "Je les imprime demain matin.",
            at(0, 14, 12),
            thread_root="$m204",
            pos=210,
        ),
        _message(
            211,
            PARTNERS,
            hugo,
            "Merci Sophie, il en faut douze.",
            at(0, 14, 15),
            thread_root="$m204",
            pos=211,
        ),
        _message(
            212,
            PARTNERS,
            karim,
            "Ajoutez-en deux pour Rouelibre, s’il vous plaît.",
            at(0, 14, 31),
            thread_root="$m204",
            pos=212,
        ),
    ]
    return rows, receipts, thread
