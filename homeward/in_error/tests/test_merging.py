"""Two records of one child merged into one, refused when a rule would break, and undone."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.audit.models import Action, AuditEntry
from homeward.children.models import Child
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Companion
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.in_error.models import ChildMerge
from homeward.in_error.rules import (
    BOTH_OPEN,
    EPISODES_OVERLAP,
    MERGE_REFUSED,
    OTHER_COUNCIL,
    SAME_MEETING,
)
from homeward.in_error.services import (
    NOT_MERGED,
    child_merge,
    child_unmerge,
    in_error_mark,
)
from homeward.in_error.tests.conftest import DAY, HOUR, NOW
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.tests.factories import PanelDiscussionFactory, PanelMeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Two records of one made-up child, each with records of their own."""
    kept = ChildFactory(first_name="Maisie", last_name="Testwell", local_id="C-KEPT")
    twin = ChildFactory(
        first_name="Maisy", last_name="Testwell", local_id="C-TWIN", police_id="POL-TWIN-1"
    )
    EpisodeFactory(child=kept, last_seen_at=NOW - 30 * DAY, returned_at=NOW - 29 * DAY)
    episode = EpisodeFactory(child=twin, last_seen_at=NOW - 10 * DAY, returned_at=NOW - 9 * DAY)
    return {
        "kept": kept,
        "twin": twin,
        "episode": episode,
        "interview": ReturnInterviewFactory(episode=episode),
        "placement": PlacementFactory(child=twin),
        "screening": ScreeningFactory(child=twin),
        "discussion": PanelDiscussionFactory(child=twin),
        "allocation": child_allocate(child=twin, team="Made-up team", allocated_on=NOW.date()),
        "companion": Companion.objects.create(episode=EpisodeFactory(), child=twin),
    }


def moved_records(pair) -> dict:
    return {
        name: type(pair[name])._base_manager.get(pk=pair[name].pk).child_id
        for name in ("episode", "placement", "screening", "discussion", "allocation", "companion")
    }


def test_a_merge_moves_everything_and_an_unmerge_moves_it_back(pair, coordinator):
    kept, twin = pair["kept"], pair["twin"]
    child_merge(survivor=kept, duplicate=twin, by=coordinator)
    assert set(moved_records(pair).values()) == {kept.pk}
    assert Child.all_records.get(pk=twin.pk).merged_into_id == kept.pk
    assert not Child.objects.filter(pk=twin.pk).exists()
    assert kept.episodes.count() == 2
    child_unmerge(duplicate=twin, by=coordinator)
    assert set(moved_records(pair).values()) == {twin.pk}
    assert Child.objects.filter(pk=twin.pk).exists()
    assert ChildMerge.objects.get().undone_by == coordinator


def test_what_is_recorded_after_a_merge_stays_with_the_survivor_on_unmerge(pair, coordinator):
    kept, twin = pair["kept"], pair["twin"]
    child_merge(survivor=kept, duplicate=twin, by=coordinator)
    later = EpisodeFactory(child=kept, last_seen_at=NOW - 2 * DAY, returned_at=NOW - DAY)
    child_unmerge(duplicate=twin, by=coordinator)
    later.refresh_from_db()
    assert later.child_id == kept.pk


def test_a_merge_and_its_undoing_are_audited(pair, coordinator):
    kept, twin = pair["kept"], pair["twin"]
    child_merge(survivor=kept, duplicate=twin, by=coordinator)
    child_unmerge(duplicate=twin, by=coordinator)
    entries = AuditEntry.objects.filter(
        action=Action.CHANGE, object_type="children.child", object_id=str(twin.pk)
    ).order_by("sequence")
    assert [e.details["merged_into"] for e in entries] == [
        {"before": None, "after": kept.pk},
        {"before": kept.pk, "after": None},
    ]
    moved = AuditEntry.objects.filter(
        object_type="episodes.episode", object_id=str(pair["episode"].pk)
    )
    assert [e.details["child"] for e in moved.order_by("sequence")] == [
        {"before": twin.pk, "after": kept.pk},
        {"before": kept.pk, "after": twin.pk},
    ]
    merge = ChildMerge.objects.get()
    assert merge.moved["episodes"] == [pair["episode"].pk]
    assert merge.moved["interviews"] == [pair["interview"].pk]


def refused(survivor, duplicate, by) -> str:
    with pytest.raises(ValidationError) as error:
        child_merge(survivor=survivor, duplicate=duplicate, by=by)
    [message] = error.value.messages
    return message


def test_overlapping_episodes_refuse_the_merge_naming_them(coordinator):
    kept, twin = ChildFactory(), ChildFactory()
    first = EpisodeFactory(child=kept, last_seen_at=NOW - 3 * DAY, returned_at=NOW - 2 * DAY)
    second = EpisodeFactory(child=twin, last_seen_at=NOW - 3 * DAY + HOUR, returned_at=NOW - DAY)
    message = refused(kept, twin, coordinator)
    clash = EPISODES_OVERLAP.format(
        first=first.local_id,
        first_when="14 May 2020 10:00 to 15 May 2020 10:00",
        second=second.local_id,
        second_when="14 May 2020 11:00 to 16 May 2020 10:00",
    )
    assert message == MERGE_REFUSED.format(clashes=clash)
    assert Child.objects.filter(pk=twin.pk).exists()
    assert second.child_id == twin.pk


def test_two_open_episodes_refuse_the_merge(coordinator):
    kept, twin = ChildFactory(), ChildFactory()
    first = EpisodeFactory(child=kept, last_seen_at=NOW - 3 * DAY, returned_at=None)
    second = EpisodeFactory(child=twin, last_seen_at=NOW - 2 * DAY, returned_at=None)
    message = refused(kept, twin, coordinator)
    assert message == MERGE_REFUSED.format(
        clashes=BOTH_OPEN.format(first=first.local_id, second=second.local_id)
    )


def test_an_episode_in_error_does_not_refuse_the_merge(coordinator):
    kept, twin = ChildFactory(), ChildFactory()
    EpisodeFactory(child=kept, last_seen_at=NOW - 3 * DAY, returned_at=None)
    wrong = EpisodeFactory(child=twin, last_seen_at=NOW - 2 * DAY, returned_at=None)
    in_error_mark(record=wrong, reason="Made-up: typed twice.", by=coordinator)
    child_merge(survivor=kept, duplicate=twin, by=coordinator)
    assert type(wrong).all_records.get(pk=wrong.pk).child_id == kept.pk


def test_children_of_different_councils_and_one_meeting_refuse_the_merge(coordinator):
    kept = ChildFactory()
    elsewhere = ChildFactory(council=council("933"), local_id="C-SOMERSET")
    meeting = PanelMeetingFactory()
    PanelDiscussionFactory(meeting=meeting, child=kept)
    PanelDiscussionFactory(meeting=meeting, child=elsewhere, council=kept.council)
    message = refused(kept, elsewhere, coordinator)
    assert message == MERGE_REFUSED.format(
        clashes="; ".join(
            [
                OTHER_COUNCIL.format(duplicate="C-SOMERSET", survivor=kept.local_id),
                SAME_MEETING.format(held_on="5 May 2020"),
            ]
        )
    )


def test_undoing_a_merge_that_never_was_is_refused(pair, coordinator):
    with pytest.raises(ValidationError) as error:
        child_unmerge(duplicate=pair["twin"], by=coordinator)
    assert error.value.messages == [NOT_MERGED]


# The pages, search and counts.


def test_the_merge_page_shows_both_side_by_side_and_what_moves(signed_in, pair):
    url = reverse("in_error:merge", args=[pair["kept"].pk])
    html = signed_in.get(url, {"other": "C-TWIN"}).content.decode()
    assert 'id="side-by-side"' in html
    assert "Maisy Testwell" in html and "POL-TWIN-1" in html
    assert "<li>1 episodes</li>" in html and "<li>1 return home interviews</li>" in html
    assert "Merge C-TWIN into this record" in html


def test_the_merge_page_says_why_it_cannot_merge(signed_in, pair):
    EpisodeFactory(child=pair["kept"], last_seen_at=NOW - 2 * DAY, returned_at=None)
    EpisodeFactory(child=pair["twin"], last_seen_at=NOW - DAY, returned_at=None)
    url = reverse("in_error:merge", args=[pair["kept"].pk])
    html = signed_in.get(url, {"other": "C-TWIN"}).content.decode()
    assert 'id="merge-clashes"' in html
    assert "both children are missing now" in html
    response = signed_in.post(f"{url}?other=C-TWIN")
    assert response.status_code == 200
    assert escape("These two records cannot be merged") in response.content.decode()
    assert Child.objects.filter(pk=pair["twin"].pk).exists()


def test_a_merged_child_is_found_by_either_id_and_their_page_leads_to_the_survivor(signed_in, pair):
    kept, twin = pair["kept"], pair["twin"]
    url = reverse("in_error:merge", args=[kept.pk])
    response = signed_in.post(f"{url}?other=C-TWIN")
    assert response.url == reverse("children:detail", args=[kept.pk])
    search = reverse("children:search")
    for term in ("C-TWIN", "pol-twin-1", "C-KEPT"):
        found = list(signed_in.get(search, {"q": term}).context["page"].object_list)
        assert found == [kept], term
    # The duplicate's name finds only the survivor (a close spelling), never the duplicate.
    # (Other made-up children with close names may be found too: the pair's only is the survivor.)
    by_name = list(signed_in.get(search, {"q": "Maisy"}).context["page"].object_list)
    assert kept in by_name and twin.pk not in {child.pk for child in by_name}
    redirected = signed_in.get(reverse("children:detail", args=[twin.pk]))
    assert redirected.url == reverse("children:detail", args=[kept.pk])
    html = signed_in.get(redirected.url).content.decode()
    assert 'id="merged-records"' in html and "Local id C-TWIN, police id POL-TWIN-1" in html
    unmerge = reverse("in_error:unmerge", args=[twin.pk])
    assert unmerge in html
    assert signed_in.post(unmerge).url == reverse("children:detail", args=[twin.pk])
    assert signed_in.get(reverse("children:detail", args=[twin.pk])).status_code == 200


def test_a_merged_child_is_counted_once_on_the_home_page(signed_in, pair, coordinator):
    def children_missing():
        return signed_in.get(reverse("dashboard:home")).context["total"]["children_missing"]

    # The pair, and the child the duplicate was missing with.
    assert children_missing() == 3
    child_merge(survivor=pair["kept"], duplicate=pair["twin"], by=coordinator)
    assert children_missing() == 2
    child_unmerge(duplicate=pair["twin"], by=coordinator)
    assert children_missing() == 3


def test_only_someone_who_may_correct_both_may_merge(client, pair):
    client.force_login(UserFactory(roles=[roles.EXPLOITATION_LEAD]))
    url = reverse("in_error:merge", args=[pair["kept"].pk])
    assert client.post(f"{url}?other=C-TWIN").status_code == 403
    assert Child.objects.filter(pk=pair["twin"].pk).exists()
