"""Every page by keyboard alone (WCAG 2.2 AA 2.1.1, 2.1.2, 2.4.3, 2.4.7 and 2.4.11).

On each page a coordinator can open, Tab goes round from the top of the page until it
comes back to the start, and the test checks what a keyboard user would find: the skip
link first, every link, button and field reached, focus never stuck, always visible and
not hidden behind anything, and in the order the page reads. Then the coordinator's day
by keyboard alone (no clicks, and no field found by anything but Tab or a link), sorting
Missing now, and an error summary's links. Last, the check itself is shown to fail on a
page broken in each of those ways.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.test_coordinator_day import sign_in_with_the_keyboard
from homeward.accounts import roles
from homeward.accounts.tests.factories import PASSWORD, UserFactory
from homeward.accounts.two_factor import enrolment_code_issue
from homeward.children.tests.factories import ChildFactory, PlacementFactory
from homeward.councils.tests.factories import LocalityFactory
from homeward.episodes.models import Episode
from homeward.episodes.tests.factories import EpisodeFactory
from homeward.exploitation.tests.factories import ScreeningFactory
from homeward.interviews.tests.factories import ReturnInterviewFactory
from homeward.panel.tests.factories import (
    PanelActionFactory,
    PanelDiscussionFactory,
    PanelMeetingFactory,
)

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Loaded into every page before its own scripts: describes what has focus and how it looks.
# An element's "key" is its position in the page; a group of radios shares its first one's,
# since Tab stops once on a group and the arrow keys move within it.
KEYBOARD_HELPERS = """
window.hwKeyboard = (() => {
  const INTERACTIVE = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex^="-"])';
  const YELLOW = 'rgb(255, 221, 0)';  // GOV.UK's focus colour, #ffdd00
  const unfocused = new Map();
  const words = (s) => (s || '').replace(/\\s+/g, ' ').trim().slice(0, 70);
  const position = (el) => [...document.querySelectorAll('*')].indexOf(el);
  const isChoice = (el) => el.type === 'radio' || el.type === 'checkbox';
  const shown = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden' && !el.disabled && !el.closest('[inert]');

  function name(el) {
    if (!el || el === document.body || el === document.documentElement) return 'the page itself';
    const tag = el.tagName.toLowerCase();
    const label = el.labels && el.labels.length ? words(el.labels[0].textContent) : '';
    if (el.type === 'radio') {
      const legend = el.closest('fieldset')?.querySelector('legend');
      return `radios "${words(legend?.textContent)}"`;
    }
    if (tag === 'a') return `link "${words(el.textContent)}"`;
    if (tag === 'button' || tag === 'summary') return `${tag} "${words(el.textContent)}"`;
    if (tag === 'input' || tag === 'select' || tag === 'textarea') {
      return `${el.type === 'checkbox' ? 'checkbox' : tag} "${label}" (#${el.id})`;
    }
    const role = el.getAttribute('role') || tag;
    return `${role} "${el.getAttribute('aria-label') || words(el.textContent).slice(0, 30)}"`;
  }

  function key(el) {
    if (el.type === 'radio' && el.name) {
      const scope = el.form || document;
      return position(scope.querySelector(`input[type=radio][name="${el.name}"]`));
    }
    return position(el);
  }

  // Everything that draws GOV.UK's focus style, on the element or on a radio's or
  // checkbox's label, where GOV.UK draws the ring round the opacity-0 input.
  function look(el) {
    const s = getComputedStyle(el);
    const parts = [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow,
                   s.backgroundColor, s.borderColor, s.color, s.textDecorationLine];
    if (isChoice(el) && el.labels.length) {
      const ring = getComputedStyle(el.labels[0], '::before');
      parts.push(ring.boxShadow, ring.outlineStyle, ring.outlineColor, ring.borderWidth);
    }
    return parts.join(' | ');
  }

  function yellow(el) {
    const s = getComputedStyle(el);
    const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
      && s.outlineColor === YELLOW;
    const ring = isChoice(el) && el.labels.length
      && getComputedStyle(el.labels[0], '::before').boxShadow.includes(YELLOW);
    return outlined || ring || s.backgroundColor === YELLOW || s.boxShadow.includes(YELLOW);
  }

  // 2.4.11: some of the focused element is on screen and not under anything else.
  function hiddenBy(el) {
    const box = el.getClientRects()[0];
    if (!box) return 'not drawn';
    const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth);
    const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
    if (right <= left || bottom <= top) return 'off the screen';
    const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
    const ours = hit && (el.contains(hit) || [...(el.labels || [])].some((l) => l.contains(hit)));
    return ours ? '' : `under ${name(hit)}`;
  }

  return {
    // Called with nothing focused: what may be focused, and how each looks unfocused.
    interactive() {
      const had = document.activeElement;
      had?.blur();
      const found = [...document.querySelectorAll(INTERACTIVE)].filter(shown);
      found.forEach((el) => unfocused.set(el, look(el)));
      if (had && had !== document.body) had.focus();
      const byKey = new Map(found.map((el) => [key(el), name(el)]));
      return [...byKey].map(([key, name]) => ({key, name}));
    },
    positiveTabindex() {
      return [...document.querySelectorAll('[tabindex]')].filter((el) => el.tabIndex > 0)
        .map(name);
    },
    focused() {
      const el = document.activeElement;
      if (!el || el === document.body) return {key: null, position: -1, name: name(el),
                                                indicator: true, hidden_by: ''};
      return {
        key: key(el),
        position: position(el),
        name: name(el),
        indicator: yellow(el) && look(el) !== unfocused.get(el),
        hidden_by: hiddenBy(el),
      };
    },
    inMain() {
      return document.getElementById('main-content').contains(document.activeElement);
    },
  };
})();
"""


@dataclass(frozen=True)
class Stop:
    """Where one press of Tab left focus."""

    key: int | None  # the element's position in the page; None for the page itself
    position: int
    name: str
    indicator: bool  # GOV.UK's yellow focus style shows, and differs from unfocused
    hidden_by: str  # why it cannot be seen, or ""


def focused(page) -> Stop:
    return Stop(**page.evaluate("hwKeyboard.focused()"))


def tab_through(page, cap: int) -> list[Stop]:
    """Press Tab until focus comes back to where it first landed; fail on a trap."""
    stops: list[Stop] = []
    for _ in range(cap):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stops and stop.key == stops[0].key:
            return stops
        assert not stops or stop.key != stops[-1].key, f"Focus stuck on {stop.name}"
        stops.append(stop)
    pytest.fail(f"Tab never came back to {stops[0].name} in {cap} presses")


def tab_to(page, name: str, cap: int = 200) -> None:
    """Press Tab until the element named has focus, as a keyboard user looks for it."""
    for _ in range(cap):
        page.keyboard.press("Tab")
        if name in focused(page).name:
            return
    pytest.fail(f"Tab never reached {name!r}")


def follow(page) -> None:
    """Press Enter on the focused link or button, or in a field, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


CHOSEN = """() => {
  const el = document.activeElement;
  if (el.tagName === 'SELECT') return el.options[el.selectedIndex].text;
  return el.checked ? el.labels[0].textContent.trim() : null;
}"""


def choose_with_arrows(page, label: str, cap: int = 20) -> None:
    """In the focused select or radios, press the arrow keys until `label` is chosen."""
    if page.evaluate(CHOSEN) is None:
        page.keyboard.press("Space")  # a radio group with nothing chosen yet
    arrow = "ArrowDown"
    for _ in range(cap):
        chosen = page.evaluate(CHOSEN)
        if chosen == label:
            return
        page.keyboard.press(arrow)
        if page.evaluate(CHOSEN) == chosen:
            arrow = "ArrowUp"  # the bottom of a list: go back up it
    pytest.fail(f"The arrow keys never chose {label!r}")


def type_when(page, moment: dt.datetime) -> None:
    """Type a date and time into the day field that has focus and the three after it."""
    local = moment.astimezone(LONDON)
    for part in (str(local.day), str(local.month), str(local.year), local.strftime("%H:%M")):
        page.keyboard.type(part)
        page.keyboard.press("Tab")


@pytest.fixture
def keyboard_page(page):
    page.context.add_init_script(script=KEYBOARD_HELPERS)
    return page


@pytest.fixture
def world():
    """Made-up children and episodes, so that every page has its tables and links."""
    coordinator = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    locality = LocalityFactory(name="Made-up Vale")
    now = timezone.now()
    keira = ChildFactory(first_name="Keira", last_name="Madeup", home_locality=locality)
    missing = EpisodeFactory(
        child=keira, last_seen_at=now - dt.timedelta(hours=6), returned_at=None, locality=locality
    )
    ruby = ChildFactory(first_name="Ruby", last_name="Madeup")
    for days in (2, 20, 30):
        seen = now - dt.timedelta(days=days)
        returned = EpisodeFactory(
            child=ruby, last_seen_at=seen, returned_at=seen + dt.timedelta(hours=4)
        )
    EpisodeFactory(child=ruby, locality=locality)  # in 2020, for the report
    # More than one page of search results, so the page links are there to reach.
    for number in range(20):
        ChildFactory(first_name=f"Made-up{number}", last_name="Madeup")
    # The panel: Ruby discussed at a past meeting (5 May 2020) with an overdue action, an
    # open one and a done one; an upcoming meeting she is not yet on, so she is offered.
    past = PanelMeetingFactory(held_on=dt.date(2020, 5, 5))
    discussion = PanelDiscussionFactory(meeting=past, child=ruby)
    overdue = PanelActionFactory(discussion=discussion, description="Made-up overdue: call.")
    due = timezone.localdate() + dt.timedelta(days=14)
    action = PanelActionFactory(discussion=discussion, description="Made-up open.", due_on=due)
    PanelActionFactory(discussion=discussion, completed_on=dt.date(2020, 5, 19))
    upcoming = PanelMeetingFactory(held_on=due)
    placement = PlacementFactory(child=ruby, provider_name="Made-up House")
    interview = ReturnInterviewFactory(episode=returned, outcome="no_contact", completed_at=None)
    screening = ScreeningFactory(child=ruby)
    return {
        "placement": placement.pk,
        "interview": interview.pk,
        "screening": screening.pk,
        "coordinator": coordinator,
        "keira": keira.pk,
        "ruby": ruby.pk,
        "missing": missing.pk,
        "returned": returned.pk,
        "meeting": past.pk,
        "upcoming": upcoming.pk,
        "discussion": discussion.pk,
        "overdue": overdue.pk,
        "action": action.pk,
    }


# Each page a coordinator opens, and one thing on it that Tab must reach, so that a page
# that came back empty or refused cannot pass.
PAGES = {
    "home": ("/", 'link "Keira Madeup"'),
    "Missing now": ("/missing-now/", 'link "Mark returned: Keira Madeup"'),
    "Interviews": ("/interviews/", 'link "Record offer or outcome for Ruby Madeup"'),
    "Repeat missing": ("/repeat-missing/", 'link "Ruby Madeup"'),
    "Find a child, with results": ("/children/?q=Madeup", 'link "Ruby Madeup"'),
    "a child's page": ("/children/{ruby}/", 'link "Record a return home interview'),
    "a missing child's page": ("/children/{keira}/", 'link "Mark as returned"'),
    "add a child": ("/children/new/", 'button "Add the child"'),
    "record an episode: find the child": ("/episodes/new/?q=Madeup", 'link "Next page"'),
    "record a new episode": ("/children/{ruby}/episodes/new/", 'radios "Missing from"'),
    "mark returned": ("/episodes/{missing}/returned/", 'button "Save the return"'),
    "record an interview": ("/episodes/{returned}/interviews/new/", 'radios "Outcome"'),
    "record a screening": ("/children/{ruby}/screenings/new/", 'button "Save the screening"'),
    "edit an episode": ("/episodes/{returned}/edit/", 'input "Day" (#id_returned_at_day)'),
    "an episode's history": ("/episodes/{returned}/history/", 'link "Back to the child"'),
    "change a child's details": ("/children/{ruby}/edit/", 'button "Save changes"'),
    "a child's history": ("/children/{ruby}/history/", 'link "Back to the child"'),
    "change a placement": ("/placements/{placement}/edit/", 'select "Host council"'),
    "a placement's history": ("/placements/{placement}/history/", 'link "Back to the child"'),
    "record an offered interview's outcome": (
        "/interviews/{interview}/edit/",
        'button "Save the interview"',
    ),
    "an interview's history": ("/interviews/{interview}/history/", 'link "Back to the child"'),
    "change a screening": ("/screenings/{screening}/edit/", 'button "Save changes"'),
    "a screening's history": ("/screenings/{screening}/history/", 'link "Back to the child"'),
    "Reports, with the report shown": (
        "/reports/?half_year=2020-01-01/2020-06-30",
        'link "Word (DOCX) of',
    ),
    "Exports": ("/exports/", 'button "Download (CSV)"'),
    "set up two-factor sign-in: the set-up code": (
        "/accounts/two-factor/set-up/",
        'input "Set-up code" (#id_set_up_code)',
    ),
    # The panel's pages, which the exploitation lead and the coordinator use.
    "Panel": ("/panel/", 'link "Mark done for Ruby Madeup: Made-up overdue: call.'),
    "a panel meeting": ("/panel/meetings/{meeting}/", 'link "Change the discussion of Ruby'),
    "record a panel meeting": ("/panel/meetings/new/", 'input "Day" (#id_held_on_day)'),
    "change a panel meeting": ("/panel/meetings/{meeting}/edit/", 'button "Save the meeting"'),
    "add a child to a meeting": (
        "/panel/meetings/{upcoming}/children/",
        'link "Add to meeting for Ruby Madeup"',
    ),
    "add a child to a meeting, with search results": (
        "/panel/meetings/{upcoming}/children/?q=Madeup",
        'link "Next page"',
    ),
    "add a child's discussion": (
        "/panel/meetings/{upcoming}/children/{ruby}/new/",
        'radios "The panel\'s risk rating"',
    ),
    "change a discussion": ("/panel/discussions/{discussion}/edit/", 'textarea "Discussion and'),
    "record a panel action": ("/panel/discussions/{discussion}/actions/new/", 'textarea "What'),
    "change a panel action": ("/panel/actions/{action}/edit/", 'input "Day" (#id_completed_on'),
    "mark a panel action done": ("/panel/actions/{overdue}/done/", 'button "Mark done"'),
    "a child's page, with a panel discussion": (
        "/children/{ruby}/",
        'link "The meeting of 5 May 2020"',
    ),
}


SKIP_LINK = 'link "Skip to main content"'


def check_keyboard(page) -> list[str]:
    """Go round the page with Tab and fail on anything a keyboard user could not do or see."""
    interactive = page.evaluate("hwKeyboard.interactive()")
    start = focused(page)
    assert page.evaluate("hwKeyboard.positiveTabindex()") == [], "A positive tabindex"
    # Pages such as two-factor sign-in put focus in their one field, which must be in main.
    assert start.key is None or page.evaluate("hwKeyboard.inMain()"), f"Starts at {start.name}"

    stops = tab_through(page, cap=2 * len(interactive) + 20)

    # Read the round from the top of the page: Tab leaves the page after its last element.
    wrap = next((i for i, stop in enumerate(stops) if stop.key is None), len(stops) - 1)
    elements = [stop for stop in stops[wrap + 1 :] + stops[: wrap + 1] if stop.key is not None]
    assert elements[0].name == SKIP_LINK, f"The first Tab from the top reaches {elements[0].name}"
    reached = {stop.key for stop in elements}
    unreached = [element["name"] for element in interactive if element["key"] not in reached]
    assert not unreached, "Tab never reaches: " + ", ".join(unreached)
    invisible = [stop.name for stop in elements if not stop.indicator]
    assert not invisible, "No visible focus on: " + ", ".join(invisible)
    hidden = [f"{stop.name} ({stop.hidden_by})" for stop in elements if stop.hidden_by]
    assert not hidden, "Focused but out of sight: " + ", ".join(hidden)
    positions = [stop.position for stop in elements]
    assert positions == sorted(positions), "Tab order differs from reading order: " + ", ".join(
        stop.name for stop in elements
    )
    return [stop.name for stop in elements]


def check_skip_link(page) -> None:
    """From the skip link, Enter moves focus to main, and the next Tab stays in main."""
    if focused(page).name != SKIP_LINK:
        tab_to(page, SKIP_LINK)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("hwKeyboard.inMain()"), f"Tab after the skip link: {focused(page).name}"


@pytest.mark.parametrize(("path", "must_reach"), PAGES.values(), ids=PAGES.keys())
def test_every_page_works_with_the_keyboard_alone(keyboard_page, world, path, must_reach):
    page = keyboard_page
    sign_in_with_the_keyboard(page, world["coordinator"].username)
    page.goto(path.format(**world))
    expect(page.locator("h1")).to_be_visible()
    reached = check_keyboard(page)
    assert any(name.startswith(must_reach) for name in reached), reached
    check_skip_link(page)


def test_setting_up_two_factor_sign_in_works_with_the_keyboard_alone(keyboard_page, world):
    page = keyboard_page
    sign_in_with_the_keyboard(page, world["coordinator"].username)
    page.goto("/accounts/two-factor/set-up/")
    tab_to(page, "Set-up code")
    page.keyboard.type(enrolment_code_issue(user=world["coordinator"]))
    follow(page)
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    reached = check_keyboard(page)
    assert any(name.startswith('summary "Set-up link') for name in reached), reached
    check_skip_link(page)


def test_the_sign_in_page_works_with_the_keyboard_alone(keyboard_page):
    page = keyboard_page
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Sign in")
    assert check_keyboard(page)[-4:] == [
        'input "Username" (#id_username)',
        'input "Password" (#id_password)',
        'button "Sign in"',
        'link "Forgotten your password?"',
    ]
    check_skip_link(page)


def test_the_coordinators_day_by_keyboard_alone(keyboard_page):
    page = keyboard_page
    coordinator = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    LocalityFactory(name="Made-up Vale")
    ChildFactory(first_name="Keira", last_name="Madeup", date_of_birth=dt.date(2009, 6, 1))
    now = timezone.now()

    page.goto("/")
    tab_to(page, "Username")
    page.keyboard.type(coordinator.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    follow(page)
    expect(page.locator("h1")).to_contain_text("children missing and returned")

    # Find the child, then follow the link to record the episode.
    tab_to(page, "Record an episode")
    follow(page)
    expect(page.locator("h1")).to_have_text("First, find the child")
    tab_to(page, "Name, local id or police id")
    page.keyboard.type("Madeup")
    follow(page)
    expect(page.locator("h2")).to_contain_text("1 child found")
    tab_to(page, "Record episode for Keira Madeup")
    follow(page)
    expect(page.locator("h1")).to_have_text("Record a missing episode")

    tab_to(page, "Day")
    type_when(page, now - dt.timedelta(hours=5))
    tab_to(page, "Police risk grading")
    choose_with_arrows(page, "High")
    tab_to(page, "Missing from")
    choose_with_arrows(page, "Home")
    tab_to(page, "Legal status")
    choose_with_arrows(page, "Child in need")
    tab_to(page, "Locality")
    choose_with_arrows(page, "Made-up Vale")
    tab_to(page, "Record the episode")
    follow(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded for Keira")

    tab_to(page, 'link "Missing now"')
    follow(page)
    row = page.locator("tr", has_text="Keira Madeup")
    expect(row).to_contain_text("High")
    expect(row).to_contain_text("Made-up Vale")

    # Mark the return from the row; the child leaves Missing now.
    tab_to(page, "Mark returned: Keira Madeup")
    follow(page)
    tab_to(page, "Day")
    type_when(page, now - dt.timedelta(hours=1))
    page.keyboard.type("A made-up bus station")
    follow(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded as back")
    tab_to(page, 'link "Missing now"')
    follow(page)
    expect(page.locator("h1")).to_have_text("Missing now")
    expect(page.locator("tr", has_text="Keira Madeup")).to_have_count(0)

    # Record the interview from the Interviews row.
    tab_to(page, 'link "Interviews"')
    follow(page)
    tab_to(page, "Record offer or outcome")
    follow(page)
    tab_to(page, "Day")
    type_when(page, now - dt.timedelta(minutes=50))
    choose_with_arrows(page, "Completed")
    tab_to(page, "Day")
    type_when(page, now - dt.timedelta(minutes=20))
    page.keyboard.type("Made-up Worker")
    page.keyboard.press("Tab")
    page.keyboard.type("Made-up finding: met an older friend at the station.")
    tab_to(page, "Save the interview")
    follow(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Interview recorded")
    expect(page.locator("table tr", has_text="Keira Madeup")).to_have_count(0)
    episode = Episode.objects.get(child__last_name="Madeup")
    assert (episode.risk, episode.missing_from, episode.locality.name) == (
        "high",
        "home",
        "Made-up Vale",
    )
    assert episode.found_location == "A made-up bus station"
    assert episode.interviews.get().outcome == "completed"


def test_missing_now_sorts_with_the_keyboard(keyboard_page):
    # Missing now sorts by a "Sort by" list and an Apply button; its column headings are text.
    page = keyboard_page
    coordinator = UserFactory(username="made-up-coordinator", roles=[roles.MISSING_COORDINATOR])
    now = timezone.now()
    for first, last, risk, hours in (
        ("Alfie", "Abbott", "low", 6),
        ("Maisie", "Madeup", "high", 30),
        ("Tyler", "Notreal", "medium", 2),
    ):
        child = ChildFactory(first_name=first, last_name=last)
        seen = now - dt.timedelta(hours=hours)
        EpisodeFactory(child=child, risk=risk, last_seen_at=seen, returned_at=None)
    sign_in_with_the_keyboard(page, coordinator.username)
    page.goto("/missing-now/")
    children = page.locator("tbody th a")
    expect(children).to_have_text(["Maisie Madeup", "Tyler Notreal", "Alfie Abbott"])

    for sort, heading, order in (
        ("Name", "Child", ["Alfie Abbott", "Maisie Madeup", "Tyler Notreal"]),
        (
            "Time missing (longest first)",
            "Time missing",
            ["Maisie Madeup", "Alfie Abbott", "Tyler Notreal"],
        ),
    ):
        tab_to(page, "Sort by")
        choose_with_arrows(page, sort)
        tab_to(page, "Apply")
        follow(page)
        expect(children).to_have_text(order)
        expect(page.locator("th[aria-sort]")).to_have_text(heading)


def test_an_error_summary_leads_to_its_fields_by_keyboard(keyboard_page, world):
    page = keyboard_page
    sign_in_with_the_keyboard(page, world["coordinator"].username)
    page.goto(f"/children/{world['ruby']}/episodes/new/")
    tab_to(page, "Record the episode")
    follow(page)
    # GOV.UK's error summary takes focus, so the problems are the first thing read out.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_keyboard(page)
    check_skip_link(page)
    tab_to(page, "Enter the date and time")
    page.keyboard.press("Enter")
    expect(page.locator("#id_last_seen_at_day")).to_be_focused()


def with_style(css: str) -> str:
    return f"document.head.insertAdjacentHTML('beforeend', '<style>{css}</style>')"


# Ways to break a page, each with what the check must then say.
BROKEN = {
    "no focus style": (
        with_style(":focus { background: none !important; box-shadow: none !important; }"),
        "No visible focus on",
    ),
    "a link out of the Tab order": (
        "document.querySelector('main a').tabIndex = -1",
        "Tab never reaches",
    ),
    "a positive tabindex": ("document.querySelector('main a').tabIndex = 1", "positive tabindex"),
    "the menu behind the page": (
        with_style(".govuk-service-navigation { position: relative; z-index: -1; }"),
        "out of sight",
    ),
    "a field that keeps focus": (
        "document.querySelector('main a').addEventListener('blur', (e) => e.target.focus())",
        "Focus stuck on",
    ),
}


@pytest.mark.parametrize("broken", BROKEN, ids=BROKEN.keys())
def test_the_check_fails_a_page_that_breaks_the_keyboard(keyboard_page, world, broken):
    page = keyboard_page
    sign_in_with_the_keyboard(page, world["coordinator"].username)
    breaking, complaint = BROKEN[broken]
    page.evaluate(breaking)
    with pytest.raises(AssertionError, match=complaint):
        check_keyboard(page)
