"""What's new: the dated list of added and updated studies, and its Atom feed (written by feedgen).

Dates come from the study files (`added`, `updated`), never from the clock, so two builds of the
same data give the same feed.
"""

from __future__ import annotations

import datetime

from feedgen.feed import FeedGenerator

from .aggregate import changes, study_name


def _moment(date: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(date).replace(tzinfo=datetime.timezone.utc)


FEED_ENTRIES = 100  # the newest changes; a living review's feed does not grow without bound


def atom(review: dict, studies: list[dict], base_url: str) -> bytes:
    entries = changes(studies)[:FEED_ENTRIES]
    feed = FeedGenerator()
    feed.id(f"{base_url}feed.xml")
    feed.title(f"{review['site']['title']}: what's new")
    feed.subtitle(f"Studies added to or updated on the summary of doi:{review['citation']['doi']}.")
    feed.link(href=f"{base_url}whats-new/", rel="alternate")
    feed.link(href=f"{base_url}feed.xml", rel="self")
    feed.language("en")
    feed.author({"name": review["site"]["title"]})
    feed.updated(_moment(entries[0]["date"]) if entries else _moment(f"{review['citation']['year']}-01-01"))
    for change in reversed(entries):  # feedgen puts the last added entry first
        study, url = change["study"], f"{base_url}studies/{change['study']['id']}/"
        entry = feed.add_entry()
        entry.id(f"{url}#{change['kind']}-{change['date']}")
        entry.title(f"{change['kind'].capitalize()}: {study_name(study)}")
        entry.link(href=url)
        entry.updated(_moment(change["date"]))
        entry.published(_moment(change["date"]))
        entry.summary(f"{study_name(study)}, {study['citation']['title']}. {study['citation']['journal']}.")
    return feed.atom_str(pretty=True)
