"""'Report a problem' links: plain links that open a pre-filled GitHub issue naming the page, study
or finding. No script and no call to the code host's API: the reader's browser opens the address
only when they follow the link. Made only when review.yml names the repository (site.repository);
without it there are no links at all."""

from __future__ import annotations

from urllib.parse import quote

from markupsafe import Markup

ASK = ("What is wrong? Quote the text or number, and say where the correct value is reported "
       "(source, page or table) if you know.")


def issue_url(repository: str, title: str, body: str) -> Markup:
    """<repository>/issues/new with the title and body URL-encoded, escaped for an HTML attribute."""
    query = f"title={quote(title, safe='')}&body={quote(body, safe='')}"
    return Markup.escape(f"{repository.rstrip('/')}/issues/new?{query}")


class Reporter:
    """Issue links for one build; site_url (the published address, if known) names pages in full."""

    def __init__(self, repository: str, site_url: str = ""):
        self.repository, self.site_url = repository, site_url

    def address(self, path: str) -> str:
        return f"{self.site_url}{path}" if self.site_url else f"/{path}"

    def page(self, title: str, path: str) -> Markup:
        return issue_url(self.repository, f"Problem on the page: {title}", f"Page: {self.address(path)}\n\n{ASK}\n")

    def study(self, study: dict, name: str) -> Markup:
        key, title = study["id"], study["citation"]["title"]
        return issue_url(self.repository, f"Problem with the study {name} ({key})",
                         f"Study: {name}, {title}\nPage: {self.address(f'studies/{key}/')}\n"
                         f"Data file: studies/{key}.yml\n\n{ASK}\n")

    def finding(self, what: str, anchor: str) -> Markup:
        """A finding by its permanent anchor on /findings/, for example 'type-therapy-based'."""
        return issue_url(self.repository, f"Problem with a finding: {what}",
                         f"Finding: {what}\nPage: {self.address('findings/#' + anchor)}\n\n{ASK}\n")


def reporter(review: dict, site_url: str = "") -> Reporter | None:
    repository = review["site"].get("repository")
    return Reporter(repository, site_url) if repository else None
