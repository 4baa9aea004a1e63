"""Gradebook page (sort, filter, htmx), CSV export, lab report and drill-down."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.services.tokens import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(messaging, sam, tess, lab, lab_assignment, submit):
    submit(user=sam, lab=lab, score=0.5, code="print('sam try')", output="sam output line")
    submit(user=tess, lab=lab, score=1.0)
    return lab_assignment


def test_the_gradebook_shows_best_score_and_attempts(client, ivy, messaging, graded):
    client.force_login(ivy)
    page = client.get(reverse("classes:gradebook", args=[messaging.id])).content.decode()
    assert "50%" in page and "100%" in page and "1×" in page
    assert "2 of 2 students" in page


def test_sort_links_work_without_javascript_and_keep_filters(client, ivy, messaging, graded):
    client.force_login(ivy)
    url = reverse("classes:gradebook", args=[messaging.id])
    page = client.get(url, {"q": "s", "sort": f"a{graded.id}", "dir": "desc"}).content.decode()
    assert page.index("tess") < page.index("Sam Student")
    assert f"?q=s&amp;sort=a{graded.id}&amp;dir=asc" in page  # clicking again flips the order
    assert 'aria-sort="descending"' in page


def test_htmx_gets_only_the_table(client, ivy, messaging, graded):
    client.force_login(ivy)
    response = client.get(
        reverse("classes:gradebook", args=[messaging.id]), {"show": "behind"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="gradebook-table"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<input type="hidden" id="gb-sort"') and "<html" not in body
    assert 'id="gradebook-table"' in body
    assert "HX-Request" in response["Vary"]


def test_a_bad_sort_falls_back_to_names(client, ivy, messaging, graded):
    client.force_login(ivy)
    assert client.get(reverse("classes:gradebook", args=[messaging.id]), {"sort": "drop table"}).status_code == 200


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_one_row_per_student(client, ivy, messaging, graded):
    client.force_login(ivy)
    response = client.get(reverse("classes:gradebook-csv", args=[messaging.id]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="messaging-101-gradebook.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:2] == ["username", "display name"]
    assert rows[1:] == [["sam", "Sam Student", "50", "1", "", "0", "0", "50"], ["tess", "tess", "100", "1", "", "1", "0", "100"]]


def test_the_csv_accepts_a_bearer_token(client, ivy, olga, messaging, graded):
    _token, secret = api_token_create(user=ivy, name="script")
    response = client.get(reverse("classes:gradebook-csv", args=[messaging.id]), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and len(read_csv(response)) == 3
    _token, other = api_token_create(user=olga, name="script")
    assert client.get(reverse("classes:gradebook-csv", args=[messaging.id]), HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert client.get(reverse("classes:gradebook-csv", args=[messaging.id]), HTTP_AUTHORIZATION="Bearer rdv_wrong").status_code == 401


def test_the_html_gradebook_does_not_accept_a_bearer_token(client, ivy, messaging, graded):
    _token, secret = api_token_create(user=ivy, name="script")
    response = client.get(reverse("classes:gradebook", args=[messaging.id]), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 302  # to the login page


def test_csv_cells_cannot_smuggle_spreadsheet_formulas(client, ivy, messaging, make_user, graded):
    from classes.services.classes import classroom_join

    classroom_join(user=make_user("mallory", first_name="=HYPERLINK(1)"), code=messaging.join_code)
    client.force_login(ivy)
    rows = read_csv(client.get(reverse("classes:gradebook-csv", args=[messaging.id])))
    assert ["mallory", "'=HYPERLINK(1)"] == rows[1][:2]


def test_the_lab_report_ranks_failing_checkpoints_with_feedback(client, ivy, messaging, lab, graded):
    client.force_login(ivy)
    page = client.get(reverse("classes:lab", args=[messaging.id, lab.slug])).content.decode()
    assert "maxReceiveCount is 3" in page
    assert "maxReceiveCount is 10; the lab asks for 3." in page
    assert page.index("maxReceiveCount is 3") < page.index("DLQ attached")  # the one failed most comes first


def test_a_lab_not_assigned_in_the_class_has_no_report(client, ivy, messaging, make_lab, graded):
    client.force_login(ivy)
    assert client.get(reverse("classes:lab", args=[messaging.id, make_lab().slug])).status_code == 404


def test_the_drill_down_shows_code_verdict_and_output(client, ivy, messaging, sam, graded):
    client.force_login(ivy)
    page = client.get(reverse("classes:student", args=[messaging.id, sam.id])).content.decode()
    assert "sam try" in page and 'class="s1"' in page  # highlighted
    assert "sam output line" in page and "Failed" in page and "maxReceiveCount is 10; the lab asks for 3." in page


@pytest.mark.parametrize("sort", ["a²", "a" + "9" * 5000, "a٣", "a-1", "a 1", "a99999999999999999999"])
def test_a_sort_that_is_no_column_falls_back_to_names_instead_of_failing(client, ivy, messaging, graded, sort):
    client.force_login(ivy)
    response = client.get(reverse("classes:gradebook", args=[messaging.id]), {"sort": sort})
    assert response.status_code == 200
    assert response.context["book"].filters["sort"] == "name"
