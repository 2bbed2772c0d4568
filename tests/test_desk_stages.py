"""The desk's stages and roles are data: made by migration 0011, changed by an administrator in the admin, and the
moves, rights and queues follow what the rows say (articles/workflow.py reads them, never a list of its own)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles import workflow
from articles.models import Article, DeskStage
from articles.workflow import DESK_HEADS, EDITORS, EDITORS_IN_CHIEF, REPORTERS, SECRETARIES
from tests.factories import at_stage, logged_in, make_section, make_staff, stage

pytestmark = pytest.mark.django_db

STAGES_URL = "/admin/articles/deskstage/"


def perms(group):
    return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))


def test_migrate_makes_the_four_stages_and_the_roles_acting_at_each():
    """Nháp (the reporter's own), Chờ ban biên tập (the desk head's sections), Chờ duyệt (the secretary), Đã duyệt
    (the editor-in-chief); desk heads and secretaries read and change articles but neither add, delete nor publish;
    editors keep every article permission and publishing."""
    assert [(s.name, s.group.name, s.scope) for s in DeskStage.objects.select_related("group")] == [
        ("Nháp", REPORTERS, "own"),
        ("Chờ ban biên tập", DESK_HEADS, "sections"),
        ("Chờ duyệt", SECRETARIES, "all"),
        ("Đã duyệt", EDITORS_IN_CHIEF, "all"),
    ]
    for group in (DESK_HEADS, SECRETARIES):
        assert {"view_article", "change_article", "view_section"} <= perms(group)
        assert not {"add_article", "delete_article", "publish_article", "take_down_article"} & perms(group)
    assert {"publish_article", "add_article", "change_article", "delete_article"} <= perms(EDITORS)
    assert "publish_article" in perms(EDITORS_IN_CHIEF)


def test_an_administrator_renames_a_stage_and_gives_it_to_another_group_and_the_desk_follows(
    admin_client, secretary, economy
):
    """Renamed "Chờ duyệt" and given to the editors: the editor now approves there and sees it waiting for them; the
    secretary no longer does."""
    waiting = at_stage("Chờ duyệt", section=economy, headline="Chờ người duyệt")
    editor = make_staff("bientap", EDITORS, first_name="Minh")
    review = stage("Chờ duyệt")
    data = {"name": "Chờ phó tổng biên tập", "position": review.position, "group": Group.objects.get(name=EDITORS).pk}
    response = admin_client.post(f"{STAGES_URL}{review.pk}/change/", {**data, "scope": "all"})
    assert response.status_code == 302
    assert [name for name, _ in DeskStage.objects.values_list("name", "pk")][2] == "Chờ phó tổng biên tập"
    assert [step.name for step, refusal in workflow.moves_for(editor, waiting) if not refusal] == [
        "approve",
        "send_back",
    ]
    assert workflow.queue(editor).articles == [waiting]
    assert workflow.queue(secretary) is None  # acts at no stage now
    html = logged_in(editor).get(f"/admin/articles/article/{waiting.pk}/change/").content.decode()
    assert "Khâu: <strong>Chờ phó tổng biên tập</strong>" in html and 'value="approve"' in html


def test_an_added_stage_takes_its_place_in_the_moves(reporter, economy, secretary):
    """A stage added between "Chờ duyệt" and "Đã duyệt": the secretary now forwards to it, and approving is the next
    stage's role."""
    deputy = Group.objects.create(name="Phó tổng biên tập")
    DeskStage.objects.create(name="Chờ phó tổng biên tập", position=35, group=deputy)
    DeskStage.objects.filter(name="Đã duyệt").update(position=40)
    article = at_stage("Chờ duyệt", section=economy)
    fresh = type(secretary).objects.get(pk=secretary.pk)  # the desk is read once per request
    assert [step.label for step, _ in workflow.moves_for(fresh, article)] == [
        "Chuyển tiếp → Chờ phó tổng biên tập",
        "Trả lại → Nháp",
    ]


def test_a_stage_where_drafts_wait_cannot_be_deleted(admin_client, economy):
    """Deleting a stage that holds drafts is refused by the admin (they would be lost from the desk); an empty one
    goes."""
    at_stage("Chờ duyệt", section=economy)
    review = stage("Chờ duyệt")
    page = admin_client.post(f"{STAGES_URL}{review.pk}/delete/", {"post": "yes"})
    assert page.status_code == 200 and DeskStage.objects.filter(pk=review.pk).exists()
    listing = admin_client.get(STAGES_URL).content.decode()
    assert "Chờ duyệt" in listing
    Article.objects.all().delete()
    assert admin_client.post(f"{STAGES_URL}{review.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not DeskStage.objects.filter(pk=review.pk).exists()


def test_a_sections_desk_heads_are_chosen_among_the_staff_in_its_admin(admin_client, desk_head, economy, reporter):
    """The section's form lists the staff to pick desk heads from; the chosen one acts on the section's articles."""
    html = admin_client.get(f"/admin/articles/section/{economy.pk}/change/").content.decode()
    assert 'name="desk_heads"' in html and "hung" in html
    second = make_staff("nam", DESK_HEADS)
    data = {"name": economy.name, "slug": economy.slug, "position": 0, "front_position": 0, "front_count": 4}
    data["desk_heads"] = [desk_head.pk, second.pk]
    assert admin_client.post(f"/admin/articles/section/{economy.pk}/change/", data).status_code == 302
    article = at_stage("Chờ ban biên tập", section=economy)
    assert [person.username for person in workflow.people_at(stage("Chờ ban biên tập"), article)] == ["hung", "nam"]


def test_make_run_gives_a_demo_desk_head_for_every_section_and_a_secretary(settings):
    """The demo accounts include a desk head who receives every section's articles and a newsroom secretary."""
    settings.DEBUG = True
    sections = {make_section("Kinh tế"), make_section("Xã hội")}
    call_command("demo_accounts", stdout=io.StringIO())
    head, secretary = (get_user_model().objects.get(username=name) for name in ("truongban", "thuky"))
    assert set(head.desk_sections.all()) == sections and head.groups.get().name == DESK_HEADS
    assert secretary.groups.get().name == SECRETARIES
