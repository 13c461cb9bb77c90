"""The Notifications page and a notification's page: what each person sees, the queue's order,
and each action a person takes, said in words, refused in words when someone acted first."""

import datetime as dt

import lxml.html
import pytest
import time_machine
from django.urls import reverse

from homeward.accounts import roles
from homeward.accounts.tests.factories import UserFactory
from homeward.accounts.tests.people import staff
from homeward.audit.models import Action, AuditEntry
from homeward.children.models import Child
from homeward.children.services import child_allocate
from homeward.children.tests.factories import ChildFactory
from homeward.councils.tests.factories import council
from homeward.episodes.models import Episode
from homeward.episodes.services import episode_update
from homeward.episodes.tests.factories import LONDON, EpisodeFactory
from homeward.interviews.models import ReturnInterview
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.police.forms import NOTE_NEEDED, REASON_NEEDED
from homeward.police.models import Notification, State
from homeward.police.services import notification_receive
from homeward.police.tests.factories import NotificationFactory, candidate
from homeward.police.views import NOT_THAT_CHILD

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
FORCE = "Made-up Shire Police"
TEAM = "Made-up notifications team"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def report(**fields) -> dict:
    data = {
        "police_ref": "MS-0001",
        "event": "missing",
        "last_seen_at": "09/03/2026 21:30",
        "reported_at": "09/03/2026 23:00",
        "first_name": "Jordan",
        "last_name": "Madeupson",
        "date_of_birth": "03/04/2011",
        "sex": "male",
        "risk": "Medium",
    }
    return data | fields


def receive(data) -> Notification:
    return notification_receive(council=council(), force_name=FORCE, data=data).notification


def twins() -> tuple[Child, Child]:
    twin = dict(
        last_name="Madeupson",
        date_of_birth=dt.date(2011, 4, 3),
        sex="male",
        postcode="ZZ1 1AA",
        address="1 Made-up Road",
    )
    return ChildFactory(first_name="Jordan", **twin), ChildFactory(first_name="Jayden", **twin)


def waiting() -> Notification:
    """A report about one of the twins: it waits for a person to say which."""
    notification = receive(report(first_name="Jordon", postcode="ZZ1 1AA"))
    assert notification.state == State.REVIEW
    return notification


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(roles=[roles.MISSING_COORDINATOR]))
    return client


def words(element) -> str:
    """An element's text as a person reads it: each piece apart, spaces made single."""
    return " ".join(" ".join(element.itertext()).split())


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return words(lxml.html.fromstring(response.content))


def page(client, notification: Notification):
    return client.get(reverse("notifications:detail", args=[notification.pk]))


def act(client, notification: Notification, action: str, **data):
    data = {"action": action, "version": notification.version, **data}
    url = reverse("notifications:detail", args=[notification.pk])
    return client.post(url, data, follow=True)


def tab_headings(response) -> list[str]:
    tree = lxml.html.fromstring(response.content)
    return [
        " ".join(a.text_content().split()) for a in tree.xpath("//ul[@id='notification-tabs']//a")
    ]


def listed(response) -> list[str]:
    """The police reference of each row of the list shown, in order."""
    tree = lxml.html.fromstring(response.content)
    return tree.xpath("//table[@id='notification-list']/tbody/tr/@data-ref")


# Who may open the pages.


@pytest.mark.parametrize("role", [roles.ANALYST, roles.SCRUTINY])
def test_people_who_may_not_record_episodes_are_refused(client, role):
    notification = NotificationFactory()
    client.force_login(staff(role))
    assert client.get(reverse("notifications:index")).status_code == 403
    assert page(client, notification).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("notifications:index"))
    assert response.status_code == 302 and reverse("accounts:sign-in") in response.url


def test_the_navigation_offers_the_page_to_those_who_may_record_episodes(client):
    client.force_login(staff(roles.MISSING_COORDINATOR))
    assert "Notifications" in text(client.get(reverse("episodes:missing-now")))
    client.force_login(staff(roles.ANALYST))
    assert "Notifications" not in text(client.get(reverse("reports:index")))


def test_another_councils_notification_is_never_shown(coordinator):
    theirs = NotificationFactory(council=council("933"), police_ref="THEIRS-1")
    ours = NotificationFactory(police_ref="OURS-1")
    response = coordinator.get(reverse("notifications:index"))
    assert listed(response) == ["OURS-1"]
    assert "THEIRS-1" not in response.content.decode()
    assert page(coordinator, theirs).status_code == 404
    assert act(coordinator, theirs, "set_aside", reason="Not ours").status_code == 404
    assert page(coordinator, ours).status_code == 200


def test_a_practitioner_sees_the_notifications_of_their_children_and_those_not_yet_linked(client):
    mine, other = ChildFactory(first_name="Mine"), ChildFactory(first_name="Other")
    child_allocate(child=mine, team=TEAM, allocated_on=dt.date(2026, 1, 1))
    about_mine = NotificationFactory(police_ref="MINE-1", state="applied", child=mine)
    about_other = NotificationFactory(police_ref="OTHER-1", state="applied", child=other)
    unlinked = NotificationFactory(
        police_ref="UNLINKED-1", candidates=[candidate(mine, 0.6), candidate(other, 0.5)]
    )
    client.force_login(staff(roles.PRACTITIONER, team=TEAM))

    shown = text(client.get(reverse("notifications:index"), {"show": "review"}))
    assert "UNLINKED-1" in shown
    arrived = client.get(reverse("notifications:index"), {"show": "held"})
    assert "OTHER-1" not in arrived.content.decode()
    assert page(client, about_mine).status_code == 200
    assert page(client, about_other).status_code == 404
    # Of the unlinked one's candidates, only the child they may see is named.
    shown = text(page(client, unlinked))
    assert str(mine) in shown and str(other) not in shown
    assert "1 candidate you cannot see" in shown
    # Nor may they link it to that child, even by posting the child's id.
    said = text(act(client, unlinked, "link", child=other.pk))
    assert NOT_THAT_CHILD in said
    assert Notification.objects.get(pk=unlinked.pk).child is None


# The lists.


def test_each_list_shows_its_notifications_with_its_count_in_its_heading(coordinator):
    jordan, _ = twins()
    known = ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    linked = receive(report(police_ref="LINK-1", first_name="Kit", last_name="Knownson",
                            police_id="PID-7"))  # fmt: skip
    queued = waiting()
    held = receive({"police_ref": "HELD-1", "event": "found", "found_at": "10/03/2026 08:15"})
    problem = receive(report(police_ref="BAD-1", event="vanished"))
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        yesterday = NotificationFactory(
            police_ref="OLD-1", state="review", received_at=NOW - dt.timedelta(days=1)
        )
    assert linked.child == known and held.state == State.HELD
    assert problem.state == State.PROBLEM

    response = coordinator.get(reverse("notifications:index"))
    assert tab_headings(response) == [
        "Waiting for review (2)",
        "Arrived today (4)",
        "Linked automatically, to check (1)",
        "Held (1)",
        "Could not be read or applied (1)",
    ]
    assert listed(response) == [yesterday.police_ref, queued.police_ref]

    def show(name):
        return coordinator.get(reverse("notifications:index"), {"show": name})

    assert set(listed(show("today"))) == {"LINK-1", "MS-0001", "HELD-1", "BAD-1"}
    linked_page = show("linked")
    assert listed(linked_page) == ["LINK-1"]
    check = lxml.html.fromstring(linked_page.content).xpath("//a[starts-with(., 'Check the link')]")
    assert check[0].get("href") == reverse("notifications:detail", args=[linked.pk])
    assert listed(show("held")) == ["HELD-1"]
    problems = text(show("problems"))
    assert "event : 'vanished' is not an event Homeward knows" in problems
    assert not jordan.episodes.exists()  # the twins are only candidates: nothing linked


def test_the_queue_is_high_risk_first_then_the_longest_waiting(coordinator):
    at = dt.datetime(2026, 3, 9, 8, 0, tzinfo=LONDON)
    hour = dt.timedelta(hours=1)
    NotificationFactory(police_ref="LOW-OLDEST", risk="low", received_at=at)
    NotificationFactory(police_ref="HIGH-NEWER", risk="high", received_at=at + 3 * hour)
    NotificationFactory(police_ref="HIGH-OLDER", risk="high", received_at=at + hour)
    NotificationFactory(police_ref="UNGRADED", risk="", received_at=at - hour)
    NotificationFactory(police_ref="MEDIUM", risk="medium", received_at=at + 2 * hour)
    NotificationFactory(police_ref="APPLIED", state="applied", risk="high", received_at=at)
    response = coordinator.get(reverse("notifications:index"), {"show": "review"})
    assert listed(response) == ["HIGH-OLDER", "HIGH-NEWER", "MEDIUM", "LOW-OLDEST", "UNGRADED"]


def test_a_list_the_page_does_not_have_is_said_and_the_queue_shown_instead(coordinator):
    NotificationFactory(police_ref="WAITING-1", state="review")
    response = coordinator.get(reverse("notifications:index"), {"show": "bogus"})
    said = text(response)
    assert "There is no list called 'bogus' on this page, so the list waiting for review" in said
    assert "'problems' (could not be read or applied)" in said
    assert listed(response) == ["WAITING-1"]
    known = coordinator.get(reverse("notifications:index"), {"show": "held"})
    assert "There is no list called" not in text(known)


# A notification's page.


def test_the_page_shows_what_arrived_what_became_of_it_and_the_episodes_police_history(
    coordinator,
):
    child = ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    first = receive(report(police_id="PID-7", risk="Amber-ish"))
    receive({"police_ref": "MS-0001", "event": "update", "risk": "HIGH RISK",
             "event_at": "10/03/2026 09:00", "police_id": "PID-7", "first_name": "Kit",
             "last_name": "Knownson"})  # fmt: skip
    episode = Episode.objects.get(child=child)
    shown = text(page(coordinator, first))
    assert "Applied" in shown and first.outcome in shown
    assert f"Episode {episode.local_id}" in shown and "Kit Knownson" in shown
    assert "risk Amber-ish" in shown  # the force's own word, verbatim
    tree = lxml.html.fromstring(page(coordinator, first).content)
    gradings = [words(r) for r in tree.xpath("//table[@id='episode-gradings']/tbody/tr")]
    assert "“Amber-ish” Its own word: not mapped" in gradings[0]
    assert "“HIGH RISK” High" in gradings[1] and FORCE in gradings[1]


def test_a_queued_notification_shows_its_candidates_beside_it_field_by_field(coordinator):
    jordan, jayden = twins()
    notification = waiting()
    tree = lxml.html.fromstring(page(coordinator, notification).content)
    heads = [words(h) for h in tree.xpath("//table[@id='candidates']/thead//th")]
    assert heads[1] == "The notification"
    assert any(str(jordan) in head for head in heads) and any(str(jayden) in head for head in heads)
    rows = {
        words(r.xpath("th")[0]): [words(c) for c in r.xpath("td")]
        for r in tree.xpath("//table[@id='candidates']/tbody/tr")
    }
    first_names = rows["First name"]
    assert first_names[0] == "Jordon"
    assert "Jordan Close: for" in " ".join(first_names[1:])
    assert any(cell.startswith("3 Apr 2011 Exact: strongly for") for cell in rows["Date of birth"])


def test_a_likely_candidate_sent_for_review_by_the_twin_guard_says_so_not_a_percentage(
    coordinator,
):
    jordan, jayden = twins()
    notification = receive(report(first_name="Jordan", postcode="ZZ1 1AA"))
    assert notification.state == State.REVIEW
    tree = lxml.html.fromstring(page(coordinator, notification).content)
    heads = {
        h.get("data-child"): words(h) for h in tree.xpath("//table[@id='candidates']/thead//th")
    }
    assert (
        "Strong match on details (over 99%), but sent for review because a twin or sibling "
        "matches too" in heads[str(jordan.pk)]
    )
    assert "100" not in heads[str(jordan.pk)]
    assert (
        "Strong match on the other details (over 99%), but the first name does not agree: "
        "a twin or sibling?" in heads[str(jayden.pk)]
    )


def test_a_link_a_person_made_says_who_made_it_and_how_not_a_percentage(coordinator):
    jordan, _ = twins()
    notification = waiting()
    act(coordinator, notification, "link", child=jordan.pk)
    notification.refresh_from_db()
    who = notification.changed_by.username
    tree = lxml.html.fromstring(page(coordinator, notification).content)
    said = words(tree.xpath("//*[@id='how-linked']")[0])
    assert said == f"Linked by {who}, 10 Mar 2026 12:00: a person chose this child"
    head = words(tree.xpath(f"//table[@id='linked']/thead//th[@data-child='{jordan.pk}']")[0])
    assert head.endswith(f"Linked by {who}, 10 Mar 2026 12:00: a person chose this child")
    assert "% likely" not in words(tree)


def test_the_linked_list_says_how_each_was_linked_never_100_percent_likely(coordinator):
    ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    receive(report(police_id="PID-7"))
    tree = lxml.html.fromstring(coordinator.get(reverse("notifications:index"),
                                                {"show": "linked"}).content)  # fmt: skip
    row = words(tree.xpath("//tr[@data-ref='MS-0001']")[0])
    assert "Kit Knownson Police id" in row and "likely" not in row


def test_a_link_by_police_id_says_so(coordinator):
    ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    notification = receive(report(police_id="PID-7"))
    tree = lxml.html.fromstring(page(coordinator, notification).content)
    said = words(tree.xpath("//*[@id='how-linked']")[0])
    assert said == "Linked automatically, 10 Mar 2026 12:00: the same police id"


def test_linking_a_queued_notification_to_a_candidate(coordinator):
    jordan, _ = twins()
    notification = waiting()
    response = act(coordinator, notification, "link", child=jordan.pk)
    notification.refresh_from_db()
    assert notification.state == State.APPLIED and notification.child == jordan
    assert Episode.objects.get().child == jordan
    said = text(response)
    assert f"Notification MS-0001 is linked to {jordan}. {notification.outcome}" in said


def test_linking_to_a_child_by_local_id_and_to_one_not_there(coordinator):
    jordan, _ = twins()
    other = ChildFactory(first_name="Someone", last_name="Else")
    notification = waiting()
    response = act(coordinator, notification, "link", local_id="NO-SUCH")
    assert "There is no child with local id NO-SUCH that you may see." in text(response)
    act(coordinator, notification, "link", local_id=other.local_id, confirmed="on")
    notification.refresh_from_db()
    assert notification.child == other and jordan.episodes.count() == 0


def test_a_child_given_by_local_id_whose_details_disagree_is_shown_and_confirmed_first(
    coordinator,
):
    twins()
    other = ChildFactory(first_name="Someone", last_name="Else", sex="female",
                         date_of_birth=dt.date(2011, 4, 3))  # fmt: skip
    notification = waiting()
    asked = act(coordinator, notification, "link", local_id=other.local_id)
    said = text(asked)
    assert (
        f"The notification's first name, last name and sex do not agree with {other}'s record"
        in said
    )
    tree = lxml.html.fromstring(asked.content)
    rows = {
        words(r.xpath("th")[0]): [words(c) for c in r.xpath("td")]
        for r in tree.xpath("//table[@id='confirm-side-by-side']/tbody/tr")
    }
    assert rows["First name"] == ["Jordon", "Someone Disagrees"]
    assert rows["Date of birth"] == ["03/04/2011", "3 Apr 2011"]  # the same day: agrees
    notification.refresh_from_db()
    assert notification.state == State.REVIEW and not Episode.objects.exists()
    confirm = tree.xpath("//div[@id='confirm']//form")[0]
    data = {i.get("name"): i.get("value") for i in confirm.xpath(".//input")}
    assert data["confirmed"] == "on" and data["child"] == str(other.pk)
    url = reverse("notifications:detail", args=[notification.pk])
    done = coordinator.post(url, data, follow=True)
    assert f"Notification MS-0001 is linked to {other}" in text(done)
    assert Episode.objects.get().child == other


def test_a_child_given_by_local_id_whose_details_agree_is_linked_at_once(coordinator):
    jordan, _ = twins()
    notification = receive(report(first_name="Jordan", postcode="ZZ1 1AA"))
    assert notification.state == State.REVIEW  # the twin guard
    act(coordinator, notification, "link", local_id=jordan.local_id)
    notification.refresh_from_db()
    assert notification.child == jordan


def test_an_action_on_a_notification_someone_changed_since_is_refused_in_words(coordinator):
    jordan, _ = twins()
    notification = waiting()
    seen = notification.version
    Notification.objects.filter(pk=notification.pk).update(version=seen + 1)
    response = act(coordinator, notification, "link", child=jordan.pk)
    said = text(response)
    assert "changed this record at" in said and "your change was not saved" in said
    assert Notification.objects.get(pk=notification.pk).state == State.REVIEW
    assert not Episode.objects.exists()
    assert AuditEntry.objects.filter(action=Action.REFUSED, object_id=str(notification.pk))


def test_a_new_child_is_made_from_the_notifications_details(coordinator):
    notification = receive(report(first_name="Quill", last_name="Nobodyknows",
                                  date_of_birth="01/01/2012"))  # fmt: skip
    assert notification.review_reason == "new_child"
    said = text(act(coordinator, notification, "new_child"))
    child = Child.objects.get(last_name="Nobodyknows")
    assert f"A new child, {child} (local id {child.local_id}), was made" in said
    assert child.episodes.count() == 1


def test_only_those_who_may_record_children_may_make_one(client):
    notification = receive(report(first_name="Quill", last_name="Nobodyknows"))
    client.force_login(staff(roles.POLICE_LIAISON))
    assert "Create a new child" not in text(page(client, notification))
    assert act(client, notification, "new_child").status_code == 403
    assert not Child.objects.filter(last_name="Nobodyknows").exists()


def test_asking_for_more_keeps_the_note_and_the_notification_in_the_queue(coordinator):
    twins()
    notification = waiting()
    assert NOTE_NEEDED in text(act(coordinator, notification, "ask_more", note=" "))
    said = text(act(coordinator, notification, "ask_more", note="Rang the force for the DOB"))
    assert "Your note is kept with notification MS-0001" in said
    notification.refresh_from_db()
    assert notification.state == State.REVIEW and notification.review_reason == "more_needed"
    assert "Rang the force for the DOB" in notification.outcome


@pytest.mark.parametrize(
    "action,field,words",
    [("ask_more", "note", "Your note is 2001 characters long, and a note may be at most 2000."),
     ("set_aside", "reason",
      "Your reason is 2001 characters long, and a reason may be at most 2000.")],
)  # fmt: skip
def test_an_over_long_note_is_refused_with_the_limit_and_what_to_do(
    coordinator, action, field, words
):
    twins()
    notification = waiting()
    said = text(act(coordinator, notification, action, **{field: "x" * 2001}))
    assert words in said and "keep the full details in the child's case record" in said
    assert "Ensure this value" not in said
    notification.refresh_from_db()
    assert notification.state == State.REVIEW and "x" * 100 not in notification.outcome


def test_setting_aside_needs_a_reason_and_says_so(coordinator):
    twins()
    notification = waiting()
    assert REASON_NEEDED in text(act(coordinator, notification, "set_aside", reason=""))
    said = text(act(coordinator, notification, "set_aside", reason="A test message"))
    assert "Notification MS-0001 is set aside" in said
    notification.refresh_from_db()
    assert notification.state == State.SET_ASIDE and "A test message" in notification.outcome
    listed_now = coordinator.get(reverse("notifications:index"))
    assert "MS-0001" not in listed(listed_now)


def conflict() -> tuple[Episode, Notification]:
    """An update that disagrees with a coordinator's correction of the risk."""
    ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    receive(report(police_id="PID-7"))
    episode = Episode.objects.get()
    episode_update(episode=episode, expected_version=episode.version, risk="high")
    update = receive({"police_ref": "MS-0001", "event": "update", "risk": "low",
                      "event_at": "10/03/2026 09:00"})  # fmt: skip
    assert update.review_reason == "conflict"
    return episode, update


@pytest.mark.parametrize("keep,risk", [("coordinator", "high"), ("police", "low")])
def test_a_conflict_is_settled_by_keeping_one_value(coordinator, keep, risk):
    episode, update = conflict()
    shown = text(page(coordinator, update))
    assert "Risk grading High Low" in shown
    assert "Which child is it?" not in shown and "Create a new child" not in shown
    said = text(act(coordinator, update, "keep", keep=keep))
    episode.refresh_from_db()
    assert episode.risk == risk
    expected = (
        f"Episode {episode.local_id} keeps the coordinator's risk grading"
        if keep == "coordinator"
        else f"Episode {episode.local_id} now has the police's risk grading."
    )
    assert expected in said


def test_each_conflicting_field_is_chosen_on_its_own_and_where_found_is_labelled_so(
    coordinator,
):
    ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    receive(report(police_id="PID-7"))
    receive({"police_ref": "MS-0001", "event": "found", "found_at": "10/03/2026 08:15",
             "event_at": "10/03/2026 08:15", "found_location": "Bus station"})  # fmt: skip
    episode = Episode.objects.get()
    episode_update(episode=episode, expected_version=episode.version, risk="high",
                   found_location="A friend's house")  # fmt: skip
    update = receive({"police_ref": "MS-0001", "event": "update", "risk": "low",
                      "event_at": "10/03/2026 09:00",
                      "found_location": "Railway station"})  # fmt: skip
    assert update.review_reason == "conflict" and len(update.conflicts) == 2
    shown = text(page(coordinator, update))
    assert "Where found A friend's house Railway station" in shown and "found at" not in shown
    assert "Risk grading: which value the episode keeps" in shown
    assert "Where found: which value the episode keeps" in shown
    half = text(act(coordinator, update, "keep", keep_risk="coordinator"))
    assert "For where found, choose whose value the episode keeps." in half
    said = text(act(coordinator, update, "keep", keep_risk="coordinator",
                    keep_found_location="police"))  # fmt: skip
    episode.refresh_from_db()
    assert episode.risk == "high" and episode.found_location == "Railway station"
    assert (
        f"Episode {episode.local_id} now has the police's where found. Episode "
        f"{episode.local_id} keeps the coordinator's risk grading" in said
    )
    update.refresh_from_db()
    assert "Took the police's where found. Kept the coordinator's risk grading" in update.outcome


def wrongly_linked() -> tuple[Child, Child, Notification, Episode]:
    """Kit's police id on Kat's report: linked to Kit, who returned and was interviewed."""
    wrong = ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    right = ChildFactory(first_name="Kat", last_name="Knownson")
    notification = receive(report(police_id="PID-7", risk="Amber-ish"))
    receive({"police_ref": "MS-0001", "event": "found", "found_at": "10/03/2026 08:15",
             "event_at": "10/03/2026 08:15"})  # fmt: skip
    episode = Episode.objects.get()
    ReturnInterviewFactory(episode=episode, completed_at=None, outcome="no_contact")
    notification.refresh_from_db()
    return wrong, right, notification, episode


def asked_to_move(client, notification, episode, child):
    """The first step of "this link is wrong": the page says what will move, and asks."""
    data = {"action": "relink", "version": notification.version, "local_id": child.local_id,
            "episode_version": episode.version}  # fmt: skip
    url = reverse("notifications:detail", args=[notification.pk])
    asked = client.post(url, data, follow=True)
    tree = lxml.html.fromstring(asked.content)
    form = tree.xpath("//div[@id='confirm']//form")[0]
    return asked, {i.get("name"): i.get("value") for i in form.xpath(".//input")}


def test_a_wrong_link_is_undone_by_moving_the_episode_to_the_right_child(coordinator):
    wrong, right, notification, episode = wrongly_linked()
    shown = text(page(coordinator, notification))
    assert "Check the link" in shown and "This link is wrong" in shown
    asked, confirm = asked_to_move(coordinator, notification, episode, right)
    tree = lxml.html.fromstring(asked.content)
    moves = [words(li) for li in tree.xpath("//ul[@id='what-moves']/li")]
    assert moves[0].startswith(f"Episode {episode.local_id} (last seen 9 Mar 2026 21:30, returned")
    assert "Its 1 return home interview record (offers and outcomes)" in moves
    assert "Its police risk grading history: 1 grading, the latest “Amber-ish”" in moves
    assert "Its police reference: MS-0001" in moves
    assert (
        f"2 police notifications about it, this one included: each will say it is about {right}"
        in moves
    )
    stays = [words(li) for li in tree.xpath("//ul[@id='what-stays']/li")]
    assert f"{wrong} keeps their record, their other episodes and their screenings" in stays
    assert Episode.objects.get().child == wrong  # nothing moved yet
    url = reverse("notifications:detail", args=[notification.pk])
    response = coordinator.post(url, confirm, follow=True)
    assert f"Episode {episode.local_id} is moved from {wrong} to {right}" in text(response)
    assert Episode.objects.get().child == right
    assert ReturnInterview.objects.select_related("episode").get().episode.child == right
    notification.refresh_from_db()
    assert notification.child == right


@pytest.mark.parametrize("changed", ["notification", "episode"])
def test_a_move_after_someone_changed_the_notification_or_episode_is_refused(coordinator, changed):
    wrong, right, notification, episode = wrongly_linked()
    _, confirm = asked_to_move(coordinator, notification, episode, right)
    someone = UserFactory(username="someone.else", roles=[roles.MISSING_COORDINATOR])
    if changed == "notification":
        Notification.objects.filter(pk=notification.pk).update(
            version=notification.version + 1, changed_by=someone
        )
        what = "notification MS-0001"
    else:
        episode_update(episode=episode, expected_version=episode.version, risk="high", by=someone)
        what = f"episode {episode.local_id}"
    url = reverse("notifications:detail", args=[notification.pk])
    said = text(coordinator.post(url, confirm, follow=True))
    assert (
        f"Episode {episode.local_id} was not moved: {what} was changed by someone.else at "
        "10 Mar 2026 12:00, after you opened this page." in said
    )
    assert Episode.objects.get().child == wrong
    assert Notification.objects.get(pk=notification.pk).child == wrong
    assert AuditEntry.objects.filter(action=Action.REFUSED, object_id=str(notification.pk))


def test_only_those_who_correct_errors_may_move_an_episode(client):
    child = ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    child_allocate(child=child, team=TEAM, allocated_on=dt.date(2026, 1, 1))
    notification = receive(report(police_id="PID-7"))
    episode = Episode.objects.get()
    client.force_login(staff(roles.PRACTITIONER, team=TEAM))
    assert "This link is wrong" not in text(page(client, notification))
    url = reverse("notifications:detail", args=[notification.pk])
    data = {"action": "relink", "version": notification.version, "local_id": child.local_id,
            "episode_version": episode.version}  # fmt: skip
    assert client.post(url, data).status_code == 403
    assert Episode.objects.get().child == child


# The child's page and the episode's page.


def test_the_childs_and_the_episodes_pages_show_its_references_and_gradings(coordinator):
    child = ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    receive(report(police_id="PID-7", risk="Amber-ish"))
    receive({"police_ref": "MS-0001", "event": "update", "risk": "HIGH RISK",
             "event_at": "10/03/2026 09:00", "police_id": "PID-7", "first_name": "Kit",
             "last_name": "Knownson"})  # fmt: skip
    episode = Episode.objects.get()
    on_child = text(coordinator.get(reverse("children:detail", args=[child.pk])))
    assert f"Police references MS-0001 ({FORCE})" in on_child
    assert "“Amber-ish” (not mapped), 9 Mar 2026" in on_child
    assert f"“HIGH RISK” (High), 10 Mar 2026 09:00, {FORCE}" in on_child
    on_episode = text(coordinator.get(reverse("episodes:edit", args=[episode.pk])))
    assert "MS-0001" in on_episode and "“HIGH RISK” High" in on_episode


def test_a_link_made_without_a_person_stays_to_check_until_a_person_says_it_is_right(
    coordinator,
):
    ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        overnight = receive(
            report(
                police_ref="NIGHT-1",
                police_id="PID-7",
                first_name="Kit",
                last_name="Knownson",
                last_seen_at="08/03/2026 21:30",
                reported_at="08/03/2026 23:00",
            )
        )
    assert overnight.link_method == "police_id"

    def to_check():
        return listed(coordinator.get(reverse("notifications:index"), {"show": "linked"}))

    assert to_check() == ["NIGHT-1"]  # linked yesterday, and nobody has checked it yet
    response = act(coordinator, overnight, "check")
    said = text(response)
    assert "The link of notification NIGHT-1 to Kit Knownson is checked" in said
    overnight.refresh_from_db()
    assert overnight.link_checked_by.username == response.wsgi_request.user.username
    assert to_check() == []
    shown = text(page(coordinator, overnight))
    assert "Checked by" in shown and "The link is right" not in shown
    again = text(act(coordinator, overnight, "check", version=overnight.version - 1))
    assert "already checked this link" in again


def test_a_report_the_episode_rules_refused_says_what_to_do_not_to_ask_the_force(coordinator):
    child = ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(days=3), returned_at=NOW - dt.timedelta(days=1)
    )
    refused = receive(report(police_id="PID-7", last_seen_at="06/03/2026 09:00"))
    unreadable = receive(report(police_ref="BAD-1", event="vanished"))
    assert refused.state == unreadable.state == State.PROBLEM
    tree = lxml.html.fromstring(
        coordinator.get(reverse("notifications:index"), {"show": "problems"}).content
    )
    said = words(tree.xpath("//tr[@data-ref='MS-0001']")[0])
    assert "could be read, but not applied to Kit Knownson" in said
    assert "Ask the force" not in said
    assert "Ask the force to send it again" in words(tree.xpath("//tr[@data-ref='BAD-1']")[0])


def refused_report() -> tuple[Child, Episode, Notification]:
    """Kit's report from 6 March, refused: an episode of 7 to 9 March overlaps it."""
    child = ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    overlapping = EpisodeFactory(
        child=child, last_seen_at=NOW - dt.timedelta(days=3), returned_at=NOW - dt.timedelta(days=1)
    )
    refused = receive(report(police_id="PID-7", last_seen_at="06/03/2026 09:00"))
    assert refused.state == State.PROBLEM
    return child, overlapping, refused


def test_a_refused_report_is_tried_again_once_the_episodes_are_corrected(coordinator):
    child, overlapping, refused = refused_report()
    shown = text(page(coordinator, refused))
    assert "Why it could not be applied" in shown and "Try again" in shown
    again = text(act(coordinator, refused, "retry"))
    assert "Notification MS-0001 was tried again and refused again" in again
    assert "overlaps episode" in again and "It is left as it was" in again
    assert AuditEntry.objects.filter(action=Action.REFUSED, object_id=str(refused.pk))
    refused.refresh_from_db()
    assert refused.state == State.PROBLEM
    episode_update(
        episode=overlapping,
        expected_version=overlapping.version,
        last_seen_at=NOW - dt.timedelta(days=9),
        returned_at=NOW - dt.timedelta(days=8),
    )
    done = text(act(coordinator, refused, "retry"))
    assert "Notification MS-0001: Tried again by" in done and "Recorded a new missing" in done
    refused.refresh_from_db()
    assert refused.state == State.APPLIED and refused.episode.child == child
    stale = text(act(coordinator, refused, "retry", version=refused.version - 1))
    assert "decided first" in stale


def test_only_those_who_correct_errors_may_try_a_refused_report_again(client):
    child, _, refused = refused_report()
    child_allocate(child=child, team=TEAM, allocated_on=dt.date(2026, 1, 1))
    client.force_login(staff(roles.PRACTITIONER, team=TEAM))
    assert "Try again" not in text(page(client, refused))
    url = reverse("notifications:detail", args=[refused.pk])
    assert client.post(url, {"action": "retry", "version": refused.version}).status_code == 403


def test_the_problems_list_says_a_refused_report_can_be_tried_again(coordinator):
    refused_report()
    tree = lxml.html.fromstring(
        coordinator.get(reverse("notifications:index"), {"show": "problems"}).content
    )
    said = words(tree.xpath("//tr[@data-ref='MS-0001']")[0])
    assert "correct them, then open it and choose Try again" in said
    assert "by hand" not in said


def test_the_move_confirmation_says_move_and_how_the_child_was_chosen(coordinator):
    jordan, jayden = twins()
    notification = waiting()
    act(coordinator, notification, "link", child=jordan.pk)
    notification.refresh_from_db()
    episode = notification.episode
    data = {"action": "relink", "version": notification.version, "child": jayden.pk,
            "episode_version": episode.version}  # fmt: skip
    url = reverse("notifications:detail", args=[notification.pk])
    asked = coordinator.post(url, data)
    tree = lxml.html.fromstring(asked.content)
    confirm = words(tree.xpath("//div[@id='confirm']")[0])
    assert "The child you chose by local id" not in confirm
    assert "The child you chose" in confirm
    assert "Disagrees Disagrees" not in confirm
    rows = {
        words(r.xpath("th")[0]): [words(c) for c in r.xpath("td")]
        for r in tree.xpath("//table[@id='confirm-side-by-side']/tbody/tr")
    }
    assert rows["First name"][1].startswith("Jayden Disagrees")
    assert "link only if" not in confirm
    assert f"move episode {episode.local_id} only if you are sure" in confirm
    by_id = dict(data, child="", local_id=jayden.local_id)
    chosen = words(lxml.html.fromstring(coordinator.post(url, by_id).content))
    assert "The child you chose by local id" in chosen


def test_a_child_posted_by_id_who_is_not_a_candidate_is_confirmed_first_if_details_disagree(
    coordinator,
):
    twins()
    other = ChildFactory(first_name="Someone", last_name="Else", sex="female",
                         date_of_birth=dt.date(2011, 4, 3))  # fmt: skip
    notification = waiting()
    asked = act(coordinator, notification, "link", child=other.pk)
    said = text(asked)
    assert f"do not agree with {other}'s record" in said
    notification.refresh_from_db()
    assert notification.state == State.REVIEW and not Episode.objects.exists()


def test_a_held_found_for_an_episode_entered_in_error_says_so_and_offers_to_try_again(
    coordinator,
):
    ChildFactory(first_name="Kit", last_name="Knownson", police_id="PID-7")
    episode = receive(report(police_id="PID-7")).episode
    Episode.all_records.filter(pk=episode.pk).update(entered_in_error_at=NOW)
    held = receive({"police_ref": "MS-0001", "event": "found", "found_at": "10/03/2026 08:15"})
    shown = text(page(coordinator, held))
    assert f"{episode.local_id}" in shown and "was marked entered in error" in shown
    again = text(act(coordinator, held, "retry"))
    assert "Notification MS-0001 was tried again and is still held" in again
    Episode.all_records.filter(pk=episode.pk).update(entered_in_error_at=None)
    done = text(act(coordinator, held, "retry"))
    assert f"News of {episode.local_id}" in done
    held.refresh_from_db()
    assert held.state == State.APPLIED
