"""Children who go missing together: the same episode recorded for each of them."""

from datetime import timedelta

from homeward.exchange.demo_county.episodes import is_free, new_episode
from homeward.exchange.demo_county.records import Child, County, Episode
from homeward.exchange.demo_county.shape import (
    LOCALITIES,
    START,
    local_date,
)


def link_companions(county: County) -> None:
    """A few children go missing together: the same episode is recorded for each of them."""
    by_locality: dict[str, list[Child]] = {}
    for child in county.children:
        if child.home_locality and len(child.episodes) >= 3:
            by_locality.setdefault(child.home_locality, []).append(child)
    years = (county.today - START).days / 365.25
    for _ in range(round(7 * years)):
        locality = county.rng.choice([name for name, _ in LOCALITIES])
        link_group(county, by_locality.get(locality, []))


def link_group(county: County, candidates: list[Child]) -> None:
    if len(candidates) < 2:
        return
    leader = county.rng.choice(candidates)
    friends = [
        c
        for c in candidates
        if c is not leader
        and c.window_start <= leader.window_end
        and leader.window_start <= c.window_end
        and abs((c.dob - leader.dob).days) < 800
    ]
    if not friends:
        return
    group = [leader, *county.rng.sample(friends, min(len(friends), county.rng.choice((1, 1, 2))))]
    closed = [e for e in leader.episodes if e.returned and e.category == "missing"]
    for episode in county.rng.sample(closed, min(len(closed), county.rng.randint(1, 4))):
        go_missing_together(county, episode, group)


def go_missing_together(county: County, lead: Episode, group: list[Child]) -> None:
    together = [lead]
    for friend in group[1:]:
        last_seen = lead.last_seen + timedelta(minutes=county.rng.randrange(0, 35, 5))
        returned = lead.returned + timedelta(minutes=county.rng.randrange(0, 65, 5))
        day = local_date(last_seen)
        if not friend.window_start <= day < friend.turns_18:
            continue
        if returned > county.now or not is_free(friend, last_seen, returned):
            continue
        episode = new_episode(county, friend, "missing", last_seen, returned)
        if episode is not None:
            friend.episodes.append(episode)
            friend.episodes.sort(key=lambda e: e.last_seen)
            together.append(episode)
    if len(together) < 2:
        return
    for episode in together:
        episode.companions.extend(e.child for e in together if e is not episode)
