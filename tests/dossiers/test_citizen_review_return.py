""" "Thay đổi" on the review page returns to the review page and loses nothing: every field type
(yes/no, choice, date, address, number, repeatable groups) survives the round trip through the
rendered step, and each step goes back to the review when it was opened from there."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from dossiers.declaration import DeclarationForm
from dossiers.models import Dossier

from .citizen_helpers import (
    BIRTH,
    HOUSEHOLD_BUSINESS,
    MARRIAGE,
    PDF,
    TEMPORARY_RESIDENCE,
    answers_for,
    birth_data,
    citizen,
    draft_for,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    posted_values,
    schema_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def step_url(draft, step, **query):
    url = reverse("dossiers:draft_step", args=[draft.uuid, step])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def walk(client):
    user = citizen()
    draft = draft_for(MARRIAGE, user, marriage_data(copies="2"))
    client.force_login(user)
    return client, draft


def test_the_yes_no_answer_is_shown_again(walk):
    client, draft = walk
    html = client.get(step_url(draft, "answers", **{"from": "review"})).content.decode()
    values = posted_values(html)
    assert values["copies_requested"] == "yes"  # the "Có" radio is checked
    assert values["copies"] == "2"


@pytest.mark.parametrize(
    ("code", "data"),
    [
        (MARRIAGE, marriage_data(copies="2")),
        (MARRIAGE, marriage_data(copies_requested="no", copies="")),
        (BIRTH, birth_data()),
    ],
)
def test_what_the_page_shows_posts_back_the_same_answers(client, code, data):
    """The class behind the lost yes/no: render the step from the saved answers, post back what a
    browser would send, and the answers are unchanged, for every field type."""
    user = citizen()
    saved = answers_for(code, data)
    draft = draft_for(code, user, data)
    client.force_login(user)
    html = client.get(step_url(draft, "answers")).content.decode()
    again = DeclarationForm(schema_of(code), posted_values(html))
    assert again.is_valid(), again.errors
    assert again.cleaned_answers() == saved


def test_repeatable_groups_round_trip_with_several_members(client):
    from .form_answers import VALID_DATA

    data = dict(VALID_DATA[TEMPORARY_RESIDENCE])
    for index, (name, dob) in enumerate([("Hoàng Minh An", "2015-04-01"), ("Hoàng Thu Hà", "2018-09-09")]):
        data.update(
            {
                f"members__{index}__full_name": name,
                f"members__{index}__date_of_birth": dob,
                f"members__{index}__sex": "female",
                f"members__{index}__relationship_to_head": "Con",
            }
        )
    user = citizen()
    saved = answers_for(TEMPORARY_RESIDENCE, data)
    assert len(saved["members"]) == 2
    draft = draft_for(TEMPORARY_RESIDENCE, user, data)
    client.force_login(user)
    html = client.get(step_url(draft, "answers")).content.decode()
    again = DeclarationForm(schema_of(TEMPORARY_RESIDENCE), posted_values(html))
    assert again.is_valid(), again.errors
    assert again.cleaned_answers() == saved


def test_add_and_remove_a_group_member_without_javascript_keeps_what_was_typed(client):
    from .form_answers import VALID_DATA

    user = citizen()
    draft = draft_for(HOUSEHOLD_BUSINESS, user, VALID_DATA[HOUSEHOLD_BUSINESS])
    client.force_login(user)
    url = step_url(draft, "answers")
    values = posted_values(client.get(url).content.decode())
    assert values["members__count"] == "1"
    values["business_name"] = "HỘ KINH DOANH MỚI SỬA"  # typed, not saved yet
    page = client.post(url, {**values, "group_add": "members"}).content.decode()
    after = posted_values(page)
    assert after["members__count"] == "2" and "members__1__full_name" in after
    assert after["business_name"] == "HỘ KINH DOANH MỚI SỬA"
    assert 'id="error-summary"' not in page  # nothing judged yet
    after["members__1__full_name"] = "Đỗ Thị Mai"
    after["members__1__date_of_birth"] = "1990-01-01"
    after["members__1__personal_id"] = "027190001234"
    page = client.post(url, {**after, "group_remove": "members__0"}).content.decode()
    left = posted_values(page)
    assert left["members__count"] == "1" and left["members__0__full_name"] == "Đỗ Thị Mai"
    response = client.post(url, {**left, "continue": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [m["full_name"] for m in draft.answers["members"]] == ["Đỗ Thị Mai"]
    assert draft.answers["business_name"] == "HỘ KINH DOANH MỚI SỬA"


def test_pressing_enter_saves_rather_than_removing_a_member(client):
    from .form_answers import VALID_DATA

    user = citizen()
    draft = draft_for(HOUSEHOLD_BUSINESS, user, VALID_DATA[HOUSEHOLD_BUSINESS])
    client.force_login(user)
    html = client.get(step_url(draft, "answers")).content.decode()
    form = html.split('class="usa-form usa-form--large declaration"')[1]
    first_submit = form.split("<button", 1)[1].split(">", 1)[0]
    assert 'name="continue"' in first_submit


@pytest.mark.parametrize("step", ["agency", "answers", "delivery"])
def test_each_step_opened_from_the_review_goes_back_to_it(walk, step):
    client, draft = walk
    page = client.get(step_url(draft, step, **{"from": "review"})).content.decode()
    assert "Lưu và quay lại trang kiểm tra" in page
    values = posted_values(page)
    response = client.post(step_url(draft, step), {**values, "continue": "1"})
    assert response["Location"] == step_url(draft, "review")
    # Once back on the review, the next walk through the steps goes forward as usual.
    client.get(step_url(draft, "review"))
    response = client.post(step_url(draft, step), {**values, "continue": "1"})
    assert response["Location"] != step_url(draft, "review")


def test_the_way_back_survives_an_upload(walk):
    client, draft = walk
    client.get(step_url(draft, "files", **{"from": "review"}))
    component = draft.procedure.components.exclude(satisfied_by_declaration=True).first()
    client.post(
        reverse("dossiers:draft_upload", args=[draft.uuid]),
        {"component": component.pk, "file": SimpleUploadedFile("them.pdf", PDF)},
    )
    page = client.get(step_url(draft, "files")).content.decode()  # where the upload lands
    assert "Lưu và quay lại trang kiểm tra" in page
    response = client.post(step_url(draft, "files"), {"continue": "1"})
    assert response["Location"] == step_url(draft, "review")


def test_change_links_on_the_review_carry_the_way_back(walk):
    client, draft = walk
    page = client.get(step_url(draft, "review")).content.decode()
    for step in ("agency", "answers", "files", "delivery"):
        assert f'href="{step_url(draft, step)}?from=review"' in page


def test_saved_answers_win_over_the_profile_prefill(client):
    from accounts.models import CitizenProfile

    user = citizen(full_name="Tên Trong Tài Khoản")
    CitizenProfile.objects.create(user=user, sex="female")
    draft = draft_for(MARRIAGE, user, marriage_data())
    client.force_login(user)
    values = posted_values(client.get(step_url(draft, "answers")).content.decode())
    assert values["parties__0__full_name"] == "Trần Thị Bình"  # what was saved, not the account name


def test_save_and_leave_keeps_the_valid_answers(walk):
    client, draft = walk
    values = posted_values(client.get(step_url(draft, "answers")).content.decode())
    values["parties__1__date_of_birth"] = "2010-01-01"  # refused by a rule
    values["phone"] = "0987 654 321"
    client.post(step_url(draft, "answers"), {**values, "save_exit": "1"})
    draft = Dossier.objects.get(pk=draft.pk)
    assert draft.answers["phone"] == "+84987654321"
    assert draft.answers["copies_requested"] is True


def test_removing_a_member_that_is_required_is_not_possible():
    from dossiers.declaration import group_data_change

    schema = schema_of(MARRIAGE)
    data = {f"{k}": v for k, v in marriage_data().items()}
    changed = group_data_change(schema, _querydict(data), remove="parties__0")
    assert changed["parties__0__full_name"] == "Trần Thị Bình"  # min 2: nothing removed


def _querydict(data):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for key, value in data.items():
        q[key] = value
    return q


def test_services_still_refuse_a_file_delete_outside_a_draft():
    user = citizen()
    draft = draft_for(MARRIAGE, user, marriage_data())
    stored = draft.files.first()
    from .citizen_helpers import submit

    submit(draft, user)
    draft.refresh_from_db()
    with pytest.raises(services.DossierError):
        services.draft_remove_file(dossier=draft, file=stored)
