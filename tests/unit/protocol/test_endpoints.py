"""Pure request builders, identifier grammar, matrix.to / matrix: links and server ACLs."""

from __future__ import annotations

import json

import pytest

from cercle.protocol import endpoints as ep
from cercle.protocol import links as lk

# -- identifiers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "matrix.org",
        "matrix.org:8888",
        "1.2.3.4",
        "1.2.3.4:1234",
        "[1234:5678::abcd]",
        "[1234:5678::abcd]:5678",
        "localhost",
    ],
)
def test_spec_server_name_examples_are_valid(name):
    assert ep.is_valid_server_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "matrix.org:",
        "matrix.org:99999",
        "matrix.org:12a",
        "[::1",
        "[zz::1]",
        "exa mple.org",
        "256.1.1.1",
        "ex_ample.org",
        "-lead.org",
        "example.org/path",
        "exämple.org",
    ],
)
def test_bad_server_names(name):
    assert not ep.is_valid_server_name(name)


def test_user_ids():
    assert ep.is_valid_user_id("@alice:example.org")
    assert ep.is_valid_user_id("@a.b_c=d-e/f+g:example.org:8448")
    for bad in (
        "alice:example.org",
        "@Alice:example.org",
        "@:example.org",
        "@alice",
        "@al ice:x.org",
        "@alice:bad_server",
        "@" + "a" * 250 + ":example.org",
    ):
        assert not ep.is_valid_user_id(bad), bad
    # Historical ids exist in old rooms: accepted when reading, never for new ones.
    assert ep.is_valid_user_id("@Alice Ü:example.org", historical=True)
    with pytest.raises(ep.InvalidIdentifier):
        ep.validate_user_id("@Alice:example.org")


def test_room_ids_aliases_and_event_ids():
    assert ep.is_valid_room_id("!opaque:example.org")
    assert ep.is_valid_room_id("!" + "A" * 43)  # room version 12: hash, no server
    assert not ep.is_valid_room_id("!short")
    assert not ep.is_valid_room_id("#alias:example.org")
    assert not ep.is_valid_room_id("!:example.org")
    assert ep.is_valid_room_alias("#café:example.org")
    assert not ep.is_valid_room_alias("#:example.org")
    assert not ep.is_valid_room_alias("#nodomain")
    assert ep.is_valid_event_id("$abc/+=")
    assert ep.is_valid_event_id("$abc:example.org")
    assert not ep.is_valid_event_id("$")
    assert not ep.is_valid_event_id("abc")
    assert not ep.is_valid_event_id("$a\x00b")
    assert ep.server_name_of("@a:example.org:8448") == "example.org:8448"
    assert ep.server_name_of("!" + "A" * 43) is None


def test_mxc():
    ref = ep.parse_mxc("mxc://example.org/abc123_-")
    assert ref == ep.MxcUri("example.org", "abc123_-")
    assert str(ref) == "mxc://example.org/abc123_-"
    for bad in (
        "https://example.org/abc",
        "mxc://example.org/",
        "mxc://example.org/../etc",
        "mxc://example.org/a/b",
        "mxc:///abc",
        "mxc://bad host/abc",
        "mxc://e.org/a%2F",
    ):
        with pytest.raises(ep.InvalidIdentifier):
            ep.parse_mxc(bad)


# -- links ---------------------------------------------------------------------------------------

# The spec's own examples (appendices, "Matrix URI scheme" and "matrix.to navigation"), paired.
SPEC_LINKS = [
    (
        "https://matrix.to/#/%23somewhere%3Aexample.org",
        "matrix:r/somewhere:example.org",
        lk.MatrixLink(lk.LinkKind.ROOM_ALIAS, "#somewhere:example.org"),
    ),
    (
        "https://matrix.to/#/!somewhere%3Aexample.org?via=elsewhere.ca",
        "matrix:roomid/somewhere:example.org?via=elsewhere.ca",
        lk.MatrixLink(lk.LinkKind.ROOM_ID, "!somewhere:example.org", via=("elsewhere.ca",)),
    ),
    (
        "https://matrix.to/#/!somewhere%3Aexample.org/%24event%3Aexample.org?via=elsewhere.ca",
        "matrix:roomid/somewhere:example.org/e/event:example.org?via=elsewhere.ca",
        lk.MatrixLink(
            lk.LinkKind.ROOM_ID, "!somewhere:example.org", "$event:example.org", ("elsewhere.ca",)
        ),
    ),
    (
        "https://matrix.to/#/%40alice%3Aexample.org",
        "matrix:u/alice:example.org",
        lk.MatrixLink(lk.LinkKind.USER, "@alice:example.org"),
    ),
]


@pytest.mark.parametrize(("matrix_to", "uri", "expected"), SPEC_LINKS)
def test_spec_link_examples(matrix_to, uri, expected):
    assert lk.parse_matrix_to(matrix_to) == expected
    assert lk.parse_matrix_uri(uri) == expected
    assert lk.parse_matrix_link(matrix_to) == expected
    assert lk.parse_matrix_link(uri) == expected
    assert lk.matrix_to_url(expected.identifier, event_id=expected.event_id, via=expected.via) == (
        matrix_to
    )
    assert (
        lk.parse_matrix_uri(
            lk.matrix_uri(expected.identifier, event_id=expected.event_id, via=expected.via)
        )
        == expected
    )


def test_unencoded_and_odd_matrix_to_links():
    link = lk.parse_matrix_to("https://matrix.to/#/#room:example.org")
    assert link == lk.MatrixLink(lk.LinkKind.ROOM_ALIAS, "#room:example.org")
    # Room v3 event ids are standard base64 and may hold "/" once decoded.
    link = lk.parse_matrix_to(
        "https://matrix.to/#/!r:example.org/$ab/cd+ef?via=a.org&via=b.org&via=a.org"
    )
    assert link.event_id == "$ab/cd+ef"
    assert link.via == ("a.org", "b.org")
    link = lk.parse_matrix_link("  https://matrix.to/#/@bob:partner.example  ")
    assert link.kind is lk.LinkKind.USER
    assert not link.is_room


def test_matrix_uri_actions_and_legacy_types():
    link = lk.parse_matrix_uri("matrix:u/alice:example.org?action=chat")
    assert link.action == "chat"
    link = lk.parse_matrix_uri("matrix:r/team:example.org?action=join&via=x.org")
    assert (link.action, link.via, link.is_room) == ("join", ("x.org",), True)
    assert lk.parse_matrix_uri("matrix:room/team:example.org").identifier == "#team:example.org"
    assert lk.parse_matrix_uri("matrix:user/al:example.org").identifier == "@al:example.org"
    assert lk.parse_matrix_uri("MATRIX:roomid/x:example.org/event/e1").event_id == "$e1"
    assert lk.parse_matrix_uri("matrix://authority/r/a:example.org").identifier == "#a:example.org"
    assert lk.parse_matrix_uri("matrix:r/a:example.org?action=evil").action is None
    assert (
        lk.matrix_uri("@alice:example.org", action="chat")
        == "matrix:u/alice:example.org?action=chat"
    )


def test_bare_identifiers():
    assert lk.parse_matrix_link("#team:example.org").kind is lk.LinkKind.ROOM_ALIAS
    assert lk.parse_matrix_link("!abc:example.org").kind is lk.LinkKind.ROOM_ID
    assert lk.parse_matrix_link("@alice:example.org").kind is lk.LinkKind.USER


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "https://example.org/#/@alice:example.org",
        "https://matrix.to/",
        "https://matrix.to/#/",
        "https://matrix.to/#/%2Bgroup%3Aexample.org",
        "https://matrix.to/#/alice:example.org",
        "https://matrix.to/#/@alice:example.org/$event",
        "https://matrix.to/#/!r:example.org/notanevent",
        "javascript:alert(1)//matrix.to",
        "matrix:x/alice:example.org",
        "matrix:u/",
        "matrix:roomid/r:example.org/x/e1",
        "matrix:roomid/r:example.org/e",
        "matrix:r/nodomain",
        "#nodomain",
        "@Alice Ü",
    ],
)
def test_bad_links_raise_a_readable_error(text):
    with pytest.raises(ep.InvalidMatrixLink) as info:
        lk.parse_matrix_link(text)
    assert str(info.value)


def test_via_values_that_are_not_server_names_are_dropped():
    link = lk.parse_matrix_to("https://matrix.to/#/!r:example.org?via=ok.org&via=bad%20host&via=")
    assert link.via == ("ok.org",)


# -- request builders ----------------------------------------------------------------------------


def test_request_is_a_method_path_body_tuple():
    method, path, body = ep.joined_members("!r:example.org")
    assert (method, path, body) == (
        "GET",
        "/_matrix/client/v3/rooms/%21r%3Aexample.org/joined_members",
        None,
    )
    request = ep.report_room("!r:x.org", reason="spam")
    assert json.loads(request.data) == {"reason": "spam"}
    assert ep.media_config().data is None


def test_hierarchy():
    assert (
        ep.space_hierarchy("!space:x.org").path
        == "/_matrix/client/v1/rooms/%21space%3Ax.org/hierarchy"
    )
    request = ep.space_hierarchy(
        "!space:x.org", from_token="t/1", limit=50, max_depth=2, suggested_only=True
    )
    assert request.method == "GET"
    assert request.path.endswith("/hierarchy?from=t%2F1&limit=50&max_depth=2&suggested_only=true")


def test_join_and_knock_send_via_and_server_name():
    request = ep.knock("#team:x.org", via=["x.org", "y.org", "x.org"], reason="Looking for support")
    assert request.method == "POST"
    assert request.path == (
        "/_matrix/client/v3/knock/%23team%3Ax.org"
        "?via=x.org&via=y.org&server_name=x.org&server_name=y.org"
    )
    assert request.body == {"reason": "Looking for support"}
    assert ep.knock("!r:x.org").path == "/_matrix/client/v3/knock/%21r%3Ax.org"
    assert ep.knock("!r:x.org").body == {}  # the spec requires a body, even empty
    assert ep.join("!r:x.org", via=["a.org"]).path.endswith(
        "/join/%21r%3Ax.org?via=a.org&server_name=a.org"
    )


def test_reports():
    request = ep.report_event(
        "!637q39766251:example.com",
        "$something:example.org",
        reason="this makes me sad",
        score=-100,
    )
    assert (
        request.path == "/_matrix/client/v3/rooms/%21637q39766251%3Aexample.com"
        "/report/%24something%3Aexample.org"
    )
    assert request.body == {"reason": "this makes me sad", "score": -100}
    assert ep.report_event("!r:x.org", "$e").body == {}
    for bad in (1, -101, True, 2.5):
        with pytest.raises(ValueError, match="score"):
            ep.report_event("!r:x.org", "$e", score=bad)
    assert (
        ep.report_room("!r:x.org", reason="r").path
        == "/_matrix/client/v3/rooms/%21r%3Ax.org/report"
    )
    assert ep.report_user("@u:x.org").path == "/_matrix/client/v3/users/%40u%3Ax.org/report"


def test_public_rooms_with_a_filter():
    request = ep.public_rooms(
        server="partner.example",
        limit=10,
        since="next",
        search_term="vélo",
        room_types=[None, "m.space"],
    )
    assert request.method == "POST"
    assert request.path == "/_matrix/client/v3/publicRooms?server=partner.example"
    assert request.body == {
        "limit": 10,
        "since": "next",
        "filter": {"generic_search_term": "vélo", "room_types": [None, "m.space"]},
    }
    assert ep.public_rooms().body == {}
    assert ep.public_rooms().path == "/_matrix/client/v3/publicRooms"


def test_user_directory_and_profiles():
    request = ep.user_directory_search("camille", limit=20)
    assert (request.method, request.path) == ("POST", "/_matrix/client/v3/user_directory/search")
    assert request.body == {"search_term": "camille", "limit": 20}
    assert ep.profile_get("@a:x.org").path == "/_matrix/client/v3/profile/%40a%3Ax.org"
    request = ep.profile_set_field("@a:x.org", "org.cercle.job_title", "Ingénieure")
    assert (request.method, request.path) == (
        "PUT",
        "/_matrix/client/v3/profile/%40a%3Ax.org/org.cercle.job_title",
    )
    assert request.body == {"org.cercle.job_title": "Ingénieure"}
    assert ep.profile_get_field("@a:x.org", "displayname").path.endswith("/displayname")
    assert ep.profile_delete_field("@a:x.org", "m.tz").method == "DELETE"
    for bad in ("Bad.Key", "nodot", "org.x/../y", ""):
        with pytest.raises(ep.InvalidIdentifier):
            ep.profile_set_field("@a:x.org", bad, 1)


def test_authenticated_media():
    assert (
        ep.media_download("mxc://x.org/abc").path == "/_matrix/client/v1/media/download/x.org/abc"
    )
    request = ep.media_download("mxc://x.org:8448/abc", filename="rapport été.pdf", timeout_ms=5000)
    assert (
        request.path == "/_matrix/client/v1/media/download/x.org%3A8448/abc"
        "/rapport%20%C3%A9t%C3%A9.pdf?timeout_ms=5000"
    )
    assert ep.media_download(ep.MxcUri("x.org", "abc"), filename="../a").path.endswith(
        "/abc/..%2Fa"
    )
    request = ep.media_thumbnail("mxc://x.org/abc", 64, 48, method="crop", animated=True)
    assert (
        request.path == "/_matrix/client/v1/media/thumbnail/x.org/abc"
        "?width=64&height=48&method=crop&animated=true"
    )
    assert ep.media_config() == ("GET", "/_matrix/client/v1/media/config", None)
    with pytest.raises(ep.InvalidIdentifier):
        ep.media_download("mxc://x.org/../../admin")
    with pytest.raises(ValueError, match="method"):
        ep.media_thumbnail("mxc://x.org/abc", 1, 1, method="stretch")
    with pytest.raises(ValueError, match="positive"):
        ep.media_thumbnail("mxc://x.org/abc", 0, 1)


def test_sso_and_token_login():
    request = ep.sso_redirect("http://127.0.0.1:41234/callback?state=a&b")
    assert request.path == (
        "/_matrix/client/v3/login/sso/redirect"
        "?redirectUrl=http%3A%2F%2F127.0.0.1%3A41234%2Fcallback%3Fstate%3Da%26b"
    )
    assert ep.sso_redirect("http://l/cb", idp_id="oidc-local").path.startswith(
        "/_matrix/client/v3/login/sso/redirect/oidc-local?"
    )
    assert ep.token_login_body("tok") == {"type": "m.login.token", "token": "tok"}
    request = ep.token_login("tok", device_id="DEV", initial_device_display_name="Cercle")
    assert (request.method, request.path) == ("POST", "/_matrix/client/v3/login")
    assert request.body == {
        "type": "m.login.token",
        "token": "tok",
        "device_id": "DEV",
        "initial_device_display_name": "Cercle",
    }


def test_well_known_drops_the_port():
    assert ep.well_known_url("example.org") == "https://example.org/.well-known/matrix/client"
    assert ep.well_known_url("example.org:8448") == "https://example.org/.well-known/matrix/client"
    assert ep.well_known_url("[::1]:8448") == "https://[::1]/.well-known/matrix/client"
    with pytest.raises(ep.InvalidIdentifier):
        ep.well_known_url("evil.org/@x")


# -- m.room.server_acl -----------------------------------------------------------------------------


def test_acl_order_of_the_spec():
    content = {"allow": ["*"], "deny": ["evil.com", "*.evil.com"], "allow_ip_literals": False}
    assert not ep.acl_allows(content, "evil.com:8448")  # ports are not considered
    assert not ep.acl_allows(content, "sub.evil.com")
    assert not ep.acl_allows(content, "EVIL.com")
    assert not ep.acl_allows(content, "1.2.3.4")
    assert not ep.acl_allows(content, "[::1]:8448")
    assert ep.acl_allows(content, "good.org")
    assert ep.acl_allows(content, "notevil.com")
    assert ep.acl_allows({"allow": ["*"]}, "1.2.3.4")  # allow_ip_literals defaults to true
    assert not ep.acl_allows({}, "good.org")  # no allow rule: nobody
    assert ep.acl_allows({"allow": ["?.org"]}, "a.org")
    assert not ep.acl_allows({"allow": ["?.org"]}, "ab.org")


def test_acl_builder():
    content = ep.server_acl_content(
        own_server="company.test", deny=["spam.example", "spam.example"]
    )
    assert content == {"allow": ["*"], "deny": ["spam.example"], "allow_ip_literals": False}
    only_us = ep.server_acl_content(
        own_server="company.test:8448",
        allow=["company.test", "partner.test"],
        keep=["partner.test"],
    )
    assert only_us["allow"] == ["company.test", "partner.test"]


@pytest.mark.parametrize(
    ("kwargs", "culprit", "rule"),
    [
        ({"allow": ["partner.test"]}, "company.test", "no allow rule"),
        ({"deny": ["*.test"]}, "company.test", "*.test"),
        ({"deny": ["COMPANY.TEST"]}, "company.test", "COMPANY.TEST"),
        ({"allow": []}, "company.test", "no allow rule"),
        ({"deny": ["partner.*"], "keep": ["partner.test"]}, "partner.test", "partner.*"),
    ],
)
def test_acl_that_locks_us_out_is_refused_with_the_reason(kwargs, culprit, rule):
    with pytest.raises(ep.ServerAclLockout) as info:
        ep.server_acl_content(own_server="company.test:8448", **kwargs)
    assert info.value.server_name.startswith(culprit)
    assert rule in info.value.explanation


def test_acl_on_an_ip_literal_server():
    with pytest.raises(ep.ServerAclLockout, match="IP"):
        ep.server_acl_content(own_server="127.0.0.1:8008")
    assert ep.server_acl_content(own_server="127.0.0.1:8008", allow_ip_literals=True)["allow"] == [
        "*"
    ]


@pytest.mark.parametrize("pattern", ["", "with space.org", "host.org:8448"])
def test_malformed_acl_patterns(pattern):
    with pytest.raises(ep.InvalidServerAcl):
        ep.server_acl_content(own_server="company.test", deny=[pattern])


def test_malformed_acl_content_when_reading():
    with pytest.raises(ep.InvalidServerAcl):
        ep.acl_allows({"allow": "*"}, "x.org")
    with pytest.raises(ep.InvalidServerAcl):
        ep.acl_allows({"allow": ["*"], "deny": [1]}, "x.org")
