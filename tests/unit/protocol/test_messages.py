"""Message content: markdown out, sanitized HTML in, replies, edits, reactions, threads, media."""

from __future__ import annotations

import time

import pytest

from cercle.protocol import messages as m
from cercle.protocol import richtext

ALICE = "@alice:example.org"
BOB = "@bob:partner.example"
ME = "@me:example.org"


# -- sanitizing incoming HTML --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script>hi", "hi"),
        ("<style>body{}</style>hi", "hi"),
        ('<b onclick="steal()">bold</b>', "<b>bold</b>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener">x</a>'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener">x</a>'),
        ('<a href="data:text/html,hi">x</a>', '<a rel="noopener">x</a>'),
        ('<a href="/relative">x</a>', '<a rel="noopener">x</a>'),
        ('<a href="mxc://s/m">x</a>', '<a rel="noopener">x</a>'),
        ('<img src="https://tracker.example/p.png" alt="a">', '<img alt="a">'),
        ('<img src="mxc://s/m" width="10" height="x">', '<img src="mxc://s/m" width="10">'),
        ("<iframe src='https://x'></iframe>ok", "ok"),
        ("<font color='red'>old</font>", "old"),
        ("<strike>gone</strike>", "gone"),
        ("a<!-- secret -->b", "ab"),
        ("<svg><script>alert(1)</script></svg>t", "t"),
        ('<p style="font-size:99em" class="x" id="y">p</p>', "<p>p</p>"),
        ("<table><tr><td onmouseover=x>1</td></tr></table>", None),
    ],
)
def test_sanitize_removes_what_the_spec_does_not_allow(dirty, clean):
    out = m.sanitize_html(dirty)
    if clean is not None:
        assert out == clean
    for bad in ("script", "onclick", "onmouseover", "javascript", "style=", "iframe", "https://tr"):
        assert bad not in out.lower()


def test_sanitize_keeps_the_spec_allowlist():
    html = (
        '<a href="https://example.org" target="_blank">l</a>'
        '<a href="mailto:a@b.c">m</a><a href="magnet:?xt=urn:btih:x">g</a><a href="ftp://f">f</a>'
        '<ol start="3"><li>three</li></ol>'
        '<code class="language-python">x</code>'
        '<span data-mx-color="#ff0000" data-mx-bg-color="#00FF00">c</span>'
        '<span data-mx-spoiler="plot">s</span><span data-mx-maths="x^2">x²</span>'
        '<div data-mx-maths="\\frac{a}{b}">a/b</div>'
        "<details><summary>s</summary>d</details><del>d</del><sup>1</sup><sub>2</sub><hr><br>"
        "<h1>h</h1><blockquote>q</blockquote><pre><code>p</code></pre><u>u</u><s>s</s>"
    )
    out = m.sanitize_html(html)
    for kept in (
        'href="https://example.org"',
        'target="_blank"',
        'rel="noopener"',
        'href="mailto:a@b.c"',
        'href="magnet:?xt=urn:btih:x"',
        'href="ftp://f"',
        'start="3"',
        'class="language-python"',
        'data-mx-color="#ff0000"',
        'data-mx-bg-color="#00FF00"',
        'data-mx-spoiler="plot"',
        'data-mx-maths="x^2"',
        '<div data-mx-maths="\\frac{a}{b}">',
        "<details><summary>s</summary>d</details>",
    ):
        assert kept in out, kept


def test_attribute_values_are_checked():
    out = m.sanitize_html(
        '<a href="https://x" target="_top">t</a>'
        '<code class="language-py evil hljs">c</code><code class="evil">d</code>'
        '<span data-mx-color="red" data-mx-bg-color="#12345">c</span>'
        '<ol start="x">o</ol>'
    )
    assert "target" not in out
    assert '<code class="language-py">c</code><code>d</code>' in out
    assert "data-mx-color" not in out
    assert "data-mx-bg-color" not in out
    assert "start" not in out


def test_data_mx_attributes_only_where_the_spec_lists_them():
    out = m.sanitize_html(
        '<p data-mx-color="#ff0000">p</p><div data-mx-spoiler="x" data-mx-color="#ff0000">d</div>'
        '<a data-mx-maths="x" href="https://x">a</a><b data-mx-foo="1">b</b>'
    )
    assert "data-mx" not in out


def test_mx_reply_is_removed_with_its_content():
    # The spec's own rich-reply fallback template (rich replies, "Fallbacks").
    html = (
        "<mx-reply>\n  <blockquote>\n"
        '    <a href="https://matrix.to/#/!somewhere:example.org/$event:example.org">'
        "In reply to</a>\n"
        '    <a href="https://matrix.to/#/@alice:example.org">@alice:example.org</a>\n'
        "    <br />\n    This is the original\n  </blockquote>\n</mx-reply>\n"
        "This is where the reply goes."
    )
    out = m.sanitize_html(html)
    assert "In reply to" not in out
    assert "original" not in out
    assert "blockquote" not in out
    assert out.strip() == "This is where the reply goes."


def test_nesting_is_cut_at_100_levels_and_stays_fast():
    start = time.perf_counter()
    out = m.sanitize_html("<div>" * 20000 + "deep" + "</div>" * 20000)
    assert time.perf_counter() - start < 3  # nh3 alone takes seconds: html5 is quadratic here
    assert out.count("<div>") == richtext.MAX_NESTING
    assert "deep" in out
    # Unclosed and interleaved formatting tags, re-nested by the html5 parser.
    out = m.sanitize_html("<b><i>" * 300 + "x")
    assert out.count("<b>") + out.count("<i>") <= richtext.MAX_NESTING
    assert "x" in out


def test_nesting_under_the_limit_is_untouched():
    html = "<blockquote>" * 50 + "q" + "</blockquote>" * 50
    assert m.sanitize_html(html) == html


def test_sanitize_keeps_unicode_and_escapes_text():
    out = m.sanitize_html("Œuvre 日本語 🎉 &lt;script&gt; a &amp; b <b>‮rtl</b>")
    assert "Œuvre 日本語 🎉" in out
    assert "&lt;script&gt;" in out
    assert "&amp;" in out
    assert "<script" not in out


@pytest.mark.parametrize("value", [None, "", 42])
def test_sanitize_tolerates_junk(value):
    assert m.sanitize_html(value) == ""


def test_html_to_plain_for_previews():
    html = (
        "<mx-reply><blockquote>quoted</blockquote></mx-reply>"
        "<p>Hello <b>you</b></p><ul><li>one</li><li>two</li></ul>line<br>break "
        '<span data-mx-spoiler="plot">the butler</span> <span data-mx-spoiler>x</span> '
        '<img src="mxc://a/b" alt="a cat"><script>nope()</script>'
    )
    text = m.html_to_plain(html)
    assert "quoted" not in text
    assert "butler" not in text
    assert "nope" not in text
    assert "Hello you" in text
    assert "• one\n• two" in text
    assert "line\nbreak" in text
    assert "[spoiler] (plot)" in text
    assert "a cat" in text
    assert m.html_to_plain("<pre>a\n  b</pre>") == "a\n  b"


# -- markdown out --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["hello", "two\nlines", "para\n\npara", "a < b & c > d", "<b>not html</b>", "Œ 日本 🎉"],
)
def test_plain_text_gets_no_formatted_body(text):
    content = m.text_content(text)
    assert content == {"msgtype": "m.text", "body": text, "m.mentions": {}}


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("**bold**", "<strong>bold</strong>"),
        ("*it* and `code`", "<em>it</em> and <code>code</code>"),
        ("~~gone~~", "<s>gone</s>"),
        ("[site](https://example.org)", '<a href="https://example.org">site</a>'),
        ("a  \nb", "a<br>\nb"),
    ],
)
def test_markdown_becomes_formatted_body(text, html):
    content = m.text_content(text)
    assert content["body"] == text
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"] == html


def test_markdown_blocks_keep_their_structure():
    html = m.markdown_to_html(
        "# Title\n\n- a\n- b\n\n```python\nx < 1\n```\n\n| a | b |\n|--:|---|\n| 1 | 2 |"
    )
    assert "<h1>Title</h1>" in html
    assert "<li>a</li>" in html
    assert '<pre><code class="language-python">x &lt; 1' in html
    assert "<table>" in html
    assert "<td>1</td>" in html
    assert "style" not in html


def test_markdown_never_emits_raw_html_or_bad_links():
    html = m.markdown_to_html("**x** <script>alert(1)</script> <img src=x onerror=y>")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    html = m.markdown_to_html("**x** [a](javascript:alert(1)) ![i](https://t.example/p.png)")
    assert "javascript" not in html.split("[a]")[0]
    assert 'href="javascript' not in html
    assert "<img" not in html
    assert "rel=" not in m.markdown_to_html("[a](https://x.org)")  # noopener is for display


def test_emote_and_notice():
    assert m.text_content("waves", msgtype="m.emote")["msgtype"] == "m.emote"
    assert m.text_content("**bot**", msgtype="m.notice")["formatted_body"] == "<b>bot</b>".replace(
        "b>", "strong>"
    )
    with pytest.raises(m.MessageContentError):
        m.text_content("x", msgtype="m.image")


# -- mentions ------------------------------------------------------------------------------------


def test_pills_become_links_and_mentions():
    text = "Hi " + m.pill_markdown(ALICE, "Alice [Ops]") + " and " + m.pill_markdown(BOB, "Bob_*")
    content = m.text_content(text + " " + m.pill_markdown(ME, "me"), own_user_id=ME)
    assert content["body"] == "Hi Alice [Ops] and Bob_* me"
    assert content["m.mentions"] == {"user_ids": [ALICE, BOB]}  # never ourselves
    assert (
        '<a href="https://matrix.to/#/%40alice%3Aexample.org">Alice [Ops]</a>'
        in content["formatted_body"]
    )
    assert ">Bob_*</a>" in content["formatted_body"]


def test_pills_without_markdown_still_link():
    text = "<b>" + m.pill_markdown(ALICE, "Alice") + "\nok"
    content = m.text_content(text, markdown=False)
    assert content["body"] == "<b>Alice\nok"
    assert content["formatted_body"] == (
        '&lt;b&gt;<a href="https://matrix.to/#/%40alice%3Aexample.org">Alice</a><br>ok'
    )


def test_room_mention_and_explicit_mentions():
    content = m.text_content("@room look", room_mention=True, mention_user_ids=[BOB, BOB])
    assert content["m.mentions"] == {"user_ids": [BOB], "room": True}
    assert m.mentioned_user_ids(content) == (BOB,)
    assert m.mentions_room(content)
    assert m.mentioned_user_ids({"m.mentions": {"user_ids": "nope"}}) == ()


# -- relations -----------------------------------------------------------------------------------


def test_reply_relation_and_mention_of_the_replied_sender():
    content = m.reply_content(m.text_content("sure"), in_reply_to="$orig", replied_sender=ALICE)
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$orig"}}
    assert content["m.mentions"] == {"user_ids": [ALICE]}
    assert "> " not in content["body"]  # no fallback since spec v1.13
    own = m.reply_content(m.text_content("x"), in_reply_to="$o", replied_sender=ME, own_user_id=ME)
    assert own["m.mentions"] == {}


def test_reply_fallback_is_stripped_on_display():
    # The spec's example body (rich replies, "Fallback for m.text").
    body = (
        "> <@alice:example.org> This is the first line\n"
        "> This is the second line\n\nThis is the reply"
    )
    reply = {"body": body, "m.relates_to": {"m.in_reply_to": {"event_id": "$x"}}}
    assert m.display_body(reply) == "This is the reply"
    assert m.strip_reply_fallback("> * <@a:b> emote\n>\n\nmulti\nline") == "multi\nline"
    # Not a reply: a leading quote is the author's own.
    assert m.display_body({"body": "> quote\n\nmine"}) == "> quote\n\nmine"
    assert m.strip_reply_fallback("no quote") == "no quote"


def test_edit_shape_from_the_spec():
    new = m.text_content("Hello! My name is **bar**")
    edit = m.edit_content("$some_event_id", new)
    assert edit["body"] == "* Hello! My name is **bar**"
    assert edit["formatted_body"] == "* Hello! My name is <strong>bar</strong>"
    assert edit["m.new_content"] == new
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$some_event_id"}
    with pytest.raises(m.MessageContentError):
        m.edit_content("$e", {"body": "no msgtype"})


def test_edit_mentions_only_the_newly_mentioned():
    # Spec "Edits of events with mentions": Alice was mentioned, the edit adds Bob.
    new = m.text_content("Hello Alice & Bob!", mention_user_ids=[ALICE, BOB])
    edit = m.edit_content("$original_event", new, previous_mentions={"user_ids": [ALICE]})
    assert edit["m.mentions"] == {"user_ids": [BOB]}
    assert edit["m.new_content"]["m.mentions"] == {"user_ids": [ALICE, BOB]}


def test_edit_of_a_reply_drops_the_reply_relation_from_new_content():
    reply = m.reply_content(m.text_content("r"), in_reply_to="$x")
    edit = m.edit_content("$reply", reply)
    assert "m.relates_to" not in edit["m.new_content"]
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$reply"}


def test_reaction_and_redaction():
    assert m.reaction_content("$e", "👍") == {
        "m.relates_to": {"rel_type": "m.annotation", "event_id": "$e", "key": "👍"}
    }
    with pytest.raises(m.MessageContentError):
        m.reaction_content("$e", "")
    assert m.redaction_content("spam") == {"reason": "spam"}
    assert m.redaction_content() == {}


def test_thread_with_and_without_fallback():
    plain = m.thread_content(m.text_content("t"), root_event_id="$root", latest_event_id="$last")
    assert plain["m.relates_to"] == {
        "rel_type": "m.thread",
        "event_id": "$root",
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": "$last"},
    }
    assert m.reply_target(plain) is None  # the fallback is not a real reply
    reply = m.thread_content(
        {"body": "r"}, root_event_id="$root", latest_event_id="$l", reply_to="$q"
    )
    assert reply["m.relates_to"]["is_falling_back"] is False
    assert m.reply_target(reply) == "$q"
    rel = m.relation_of(reply)
    assert rel == m.Relation("m.thread", "$root", None, "$q", False)


@pytest.mark.parametrize(
    "content",
    [None, "x", {}, {"m.relates_to": "x"}, {"m.relates_to": {"rel_type": 5}}, {"m.relates_to": {}}],
)
def test_relation_of_tolerates_junk(content):
    assert m.relation_of(content) is None


# -- media ---------------------------------------------------------------------------------------

ENCRYPTED_FILE = {
    "url": "mxc://example.org/FHyPlCeYUSFFxlgbQYZmoEoe",
    "key": {
        "alg": "A256CTR",
        "ext": True,
        "k": "aWF6-32KGYaC3A",
        "key_ops": ["encrypt", "decrypt"],
        "kty": "oct",
    },
    "iv": "X85+XgHN+HEAAAAAAAAAAA",
    "hashes": {"sha256": "5qG4fFnbbVdlAB1Q72JDKwCagV6Dbkx9uds4rSak37c"},
    "v": "v2",
}


def test_image_with_plain_url_and_caption():
    # The spec's media caption example.
    info = m.MediaInfo(mimetype="image/jpeg", size=27253, width=479, height=640)
    content = m.media_content(
        "m.image",
        "dog.jpg",
        url="mxc://example.org/abc123",
        info=info,
        caption="this is a ~~cat~~ picture :3",
    )
    assert content == {
        "msgtype": "m.image",
        "url": "mxc://example.org/abc123",
        "filename": "dog.jpg",
        "body": "this is a ~~cat~~ picture :3",
        "format": "org.matrix.custom.html",
        "formatted_body": "this is a <s>cat</s> picture :3",
        "info": {"w": 479, "h": 640, "mimetype": "image/jpeg", "size": 27253},
        "m.mentions": {},
    }


def test_encrypted_video_with_encrypted_thumbnail():
    thumb = m.MediaInfo(mimetype="image/png", size=10, width=32, height=18)
    info = m.MediaInfo(
        mimetype="video/mp4",
        size=1000,
        width=320,
        height=180,
        duration_ms=5000,
        thumbnail_file=ENCRYPTED_FILE,
        thumbnail_info=thumb,
    )
    content = m.media_content("m.video", "clip.mp4", file=ENCRYPTED_FILE, info=info)
    assert content["body"] == content["filename"] == "clip.mp4"
    assert "url" not in content
    assert content["file"] == ENCRYPTED_FILE
    assert content["info"]["duration"] == 5000
    assert content["info"]["thumbnail_file"] == ENCRYPTED_FILE
    assert content["info"]["thumbnail_info"] == {
        "mimetype": "image/png",
        "size": 10,
        "w": 32,
        "h": 18,
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"url": "mxc://a/b", "file": ENCRYPTED_FILE},
        {},
        {"url": "https://example.org/x.png"},
        {"url": "mxc://a/../../etc"},
        {"file": {"url": "mxc://a/b"}},
        {
            "url": "mxc://a/b",
            "info": m.MediaInfo(thumbnail_url="mxc://a/t", thumbnail_file=ENCRYPTED_FILE),
        },
    ],
)
def test_bad_media_is_refused(kwargs):
    with pytest.raises(m.MessageContentError):
        m.media_content("m.file", "f.bin", **kwargs)
    with pytest.raises(m.MessageContentError):
        m.media_content("m.sticker", "f.bin", url="mxc://a/b")


# -- reading for display -------------------------------------------------------------------------


def _event(event_id, content, *, sender=ALICE, ts=1, type_="m.room.message", **extra):
    return {
        "event_id": event_id,
        "sender": sender,
        "type": type_,
        "origin_server_ts": ts,
        "content": content,
        **extra,
    }


def _edit(event_id, target, body, *, ts, sender=ALICE, **extra):
    content = m.edit_content(target, {"msgtype": "m.text", "body": body})
    return _event(event_id, content, sender=sender, ts=ts, **extra)


def test_effective_content_applies_the_latest_valid_edit():
    # The spec's "Applying m.new_content" example: formatted_body disappears with the edit.
    original = _event(
        "$original_event",
        {"body": "I really like cake", "msgtype": "m.text", "formatted_body": "I really like cake"},
    )
    edit = _event(
        "$edit_event",
        {
            "body": "* I really like *chocolate* cake",
            "msgtype": "m.text",
            "m.new_content": {
                "body": "I really like *chocolate* cake",
                "msgtype": "m.text",
                "com.example.extension_property": "chocolate",
            },
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$original_event"},
        },
        ts=5,
    )
    assert m.effective_content(original, [edit]) == {
        "body": "I really like *chocolate* cake",
        "msgtype": "m.text",
        "com.example.extension_property": "chocolate",
    }
    assert m.effective_content(original, []) == original["content"]


def test_latest_edit_ordering_and_validity():
    original = _event("$o", {"msgtype": "m.text", "body": "v0"})
    edits = [
        _edit("$a", "$o", "v1", ts=10),
        _edit("$c", "$o", "v3", ts=20),
        _edit("$b", "$o", "v2", ts=20),  # same ts: the larger event id wins
        _edit("$z", "$o", "not mine", ts=99, sender=BOB),  # someone else's edit
        _edit("$y", "$o", "redacted", ts=98, unsigned={"redacted_because": {}}),
        _edit("$x", "$other", "other target", ts=97),
        _edit("$w", "$o", "state", ts=96, state_key=""),
        _event(
            "$v", {"m.relates_to": {"rel_type": "m.replace", "event_id": "$o"}, "body": "*"}, ts=95
        ),
        _edit("$u", "$o", "wrong type", ts=94, type_="m.sticker"),
    ]
    assert m.latest_edit(original, edits)["event_id"] == "$c"
    assert m.effective_content(original, edits)["body"] == "v3"


def test_edit_keeps_the_original_relation():
    original = _event("$o", m.reply_content(m.text_content("v0"), in_reply_to="$q"))
    content = m.effective_content(original, [_edit("$e", "$o", "v1", ts=3)])
    assert content["body"] == "v1"
    assert m.reply_target(content) == "$q"


def test_an_edit_of_an_edit_or_a_redacted_original_is_ignored():
    edit_as_original = _edit("$e1", "$o", "v1", ts=2)
    assert m.latest_edit(edit_as_original, [_edit("$e2", "$e1", "v2", ts=3)]) is None
    redacted = _event("$o", {}, unsigned={"redacted_because": {"type": "m.room.redaction"}})
    assert m.effective_content(redacted, [_edit("$e", "$o", "v1", ts=3)]) == {}


def test_reactions_aggregate_by_key_ignoring_redacted_and_duplicates():
    def react(event_id, sender, key, target="$t", **extra):
        return _event(
            event_id, m.reaction_content(target, key), sender=sender, type_="m.reaction", **extra
        )

    events = [
        react("$1", ALICE, "👍"),
        react("$2", BOB, "👍"),
        react("$3", ALICE, "👍"),  # same sender, same key: once
        react("$4", BOB, "🎉"),
        react("$5", ME, "🎉", unsigned={"redacted_because": {}}),
        react("$6", ME, "❤️"),  # redacted by id below
        react("$7", ME, "👀", target="$other"),
        _event("$8", {"body": "not a reaction"}),
        _event("$9", {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$t"}}),  # no key
    ]
    assert m.aggregate_reactions(events, target_event_id="$t", redacted_ids={"$6"}) == {
        "👍": (ALICE, BOB),
        "🎉": (BOB,),
    }


def test_display_and_preview_text():
    html = {
        "msgtype": "m.text",
        "body": "> <@a:b> old\n\nfresh",
        "format": "org.matrix.custom.html",
        "formatted_body": (
            "<mx-reply><blockquote>old</blockquote></mx-reply><b>fresh</b><script>x</script>"
        ),
        "m.relates_to": {"m.in_reply_to": {"event_id": "$x"}},
    }
    assert m.display_html(html) == "<b>fresh</b>"
    assert m.plain_text(html) == "fresh"
    plain = {
        "msgtype": "m.text",
        "body": "> <@a:b> old\n\nnew",
        "m.relates_to": {"m.in_reply_to": {"event_id": "$x"}},
    }
    assert m.display_html(plain) is None
    assert m.plain_text(plain) == "new"
    assert m.plain_text({"body": 5}) == ""
    assert m.display_html({"format": "other", "formatted_body": "<b>x</b>"}) is None
