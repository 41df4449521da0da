"""The default wording files (notifications/default_texts/): what someone editing a file could break."""

import re
import tomllib
from html.parser import HTMLParser

import pytest

from notifications import gsm, rendering
from notifications.constants import PLACEHOLDERS
from notifications.defaults import DEFAULT_TEMPLATES, LANGUAGES, TEXT_FILES, TEXTS_DIR, event_order
from notifications.models import NotificationTemplate
from notifications.services import ensure_default_templates

EVENTS = event_order()
EXPECTED_FILES = {"meta.toml"} | {
    f"{language}/{name}" for language in LANGUAGES for name in TEXT_FILES.values()
}
HTML_TAGS = {"p", "strong", "a", "ul", "li"}


@pytest.fixture(autouse=True)
def _templates():
    """These checks read files only: no database (overrides the package's seeding fixture)."""


def _texts():
    for event in EVENTS:
        for language in LANGUAGES:
            for field in TEXT_FILES:
                yield event, language, field, DEFAULT_TEMPLATES[event][language][field]


TEXTS = list(_texts())
TEXT_IDS = [f"{event}/{language}/{field}" for event, language, field, _ in TEXTS]


def test_events_toml_lists_every_directory_once():
    directories = sorted(path.name for path in TEXTS_DIR.iterdir() if path.is_dir())
    assert len(EVENTS) == len(set(EVENTS)), "an event is listed twice in events.toml"
    assert sorted(EVENTS) == directories, "events.toml and the event directories differ"
    assert list(DEFAULT_TEMPLATES) == EVENTS


@pytest.mark.parametrize("event", EVENTS)
def test_event_directory_has_meta_and_eight_texts(event):
    directory = TEXTS_DIR / event
    files = {path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()}
    assert files == EXPECTED_FILES
    with open(directory / "meta.toml", "rb") as file:
        meta = tomllib.load(file)
    assert set(meta) == {"name", "description", "placeholders"}
    assert meta["name"].strip() and meta["description"].strip()
    assert len(meta["placeholders"]) == len(set(meta["placeholders"]))
    assert set(meta["placeholders"]) <= set(PLACEHOLDERS), "a placeholder the portal does not know"


@pytest.mark.parametrize(("event", "language", "field", "text"), TEXTS, ids=TEXT_IDS)
def test_text_uses_declared_placeholders_only(event, language, field, text):
    assert text.strip(), "empty text"
    assert "\r" not in text, "CRLF line endings: save the file with LF"
    assert "{%" not in text and "{#" not in text, "no template tags or comments: only {{ name }}"
    used = rendering.placeholders_in(text)
    assert used <= set(DEFAULT_TEMPLATES[event]["placeholders"]), "placeholder not declared in meta.toml"
    # Every pair of braces is a well-formed placeholder, or the renderer would leave it in the message.
    assert text.count("{{") == text.count("}}") == len(rendering.PLACEHOLDER_RE.findall(text))
    if field == "email_subject":
        assert "\n" not in text, "a subject is one line (no final newline either)"
    if field == "sms_text":
        assert "items" not in used, "no SMS lists the items: the link leads to the details"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {(tag, name) for name, _value in attrs}


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_html_uses_only_simple_tags(event, language):
    html = DEFAULT_TEMPLATES[event][language]["email_html"]
    parser = _Tags()
    parser.feed(html)
    parser.close()
    assert parser.tags <= HTML_TAGS, f"only {sorted(HTML_TAGS)}"
    assert parser.attributes <= {("a", "href")}, "no styles or classes: a link has only its href"
    assert set(re.findall(r"</([a-z]+)>", html)) <= HTML_TAGS


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_sms_fits_two_segments_with_sample_values(event, language):
    """The admin's rule (2 GSM-7 segments once folded, with the sample values); a code in one, first."""
    text = DEFAULT_TEMPLATES[event][language]["sms_text"]
    info = gsm.segment_info(gsm.fold_to_gsm(rendering.render(text, PLACEHOLDERS)))
    assert info.encoding == "GSM-7"
    assert info.segments <= gsm.MAX_SEGMENTS
    if event == "security_code":
        assert info.segments == 1
        assert text.startswith("{{ code }}")


def test_templates_are_seeded_from_the_files(db):
    ensure_default_templates()
    for event, spec in DEFAULT_TEMPLATES.items():
        template = NotificationTemplate.objects.get(event=event)
        assert template.name == spec["name"]
        for language in LANGUAGES:
            assert template.parts(language) == spec[language]
