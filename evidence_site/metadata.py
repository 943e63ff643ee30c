"""Page metadata for sharing and for scholarly tools: Open Graph and Twitter cards, Highwire
Press citation_* tags (Zotero, Google Scholar) and schema.org JSON-LD.

Rendered with Jinja's HTML autoescaping; JSON-LD is serialised with json.dumps and made safe for
a <script> element. MkDocs themes print page.meta unescaped, so values put there are escaped here.
"""

from __future__ import annotations

import json

from jinja2 import DictLoader, Environment
from markupsafe import Markup, escape

from . import __version__

_FEED_TEMPLATE = """\
{#- The feed, for browsers and feed readers. "alternate feed", never "alternate" alone: the theme's
    script (Material, integrations/alternate) takes every link[rel=alternate] for a language or
    version alternate and fetches sitemap.xml beside it on every page; that selector matches the
    whole attribute value, so the extra token keeps the theme out while readers, which look for the
    alternate token with the Atom type, still find the feed. #}
{% if feed %}<link rel="alternate feed" type="application/atom+xml" title="What's new" href="{{ feed }}">
{% endif %}
"""
_TEMPLATES = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                         loader=DictLoader({"feed": _FEED_TEMPLATE}))
_FEED = _TEMPLATES.get_template("feed")
_HEAD = _TEMPLATES.from_string("""\
<meta property="og:type" content="{{ og_type }}">
<meta property="og:site_name" content="{{ site_name }}">
<meta property="og:title" content="{{ title }}">
<meta property="og:description" content="{{ description }}">
{% if url %}<meta property="og:url" content="{{ url }}">
{% endif %}
{% if image %}<meta property="og:image" content="{{ image }}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630">
<meta property="og:image:alt" content="{{ image_alt }}">
{% endif %}
<meta name="twitter:card" content="{{ 'summary_large_image' if image else 'summary' }}">
<meta name="twitter:title" content="{{ title }}">
<meta name="twitter:description" content="{{ description }}">
{% if image %}<meta name="twitter:image" content="{{ image }}">
<meta name="twitter:image:alt" content="{{ image_alt }}">
{% endif %}
{% include "feed" %}
{% for name, value in highwire %}
<meta name="{{ name }}" content="{{ value }}">
{% endfor %}
{% for block in json_ld %}
<script type="application/ld+json">{{ block }}</script>
{% endfor %}
""")

def highwire(review: dict) -> list[tuple[str, str]]:
    c, dates = review["citation"], review.get("dates") or {}
    tags = [("citation_title", c["title"])]
    tags += [("citation_author", f"{a['family']}, {a['given']}") for a in c["authors"]]
    published = dates.get("published")
    tags.append(("citation_publication_date", published.replace("-", "/") if published else str(c["year"])))
    tags.append(("citation_journal_title", c["journal"]))
    optional = [("citation_journal_abbrev", c.get("journal_abbrev")), ("citation_issn", c.get("issn")),
                ("citation_publisher", c.get("publisher")), ("citation_volume", c.get("volume")),
                ("citation_firstpage", c.get("elocator")), ("citation_doi", c["doi"]),
                ("citation_pmid", c.get("pmid"))]
    tags += [(k, str(v)) for k, v in optional if v]
    return tags


def scholarly_article(review: dict) -> dict:
    c = review["citation"]
    return {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": f"https://doi.org/{c['doi']}",
        "headline": c["title"],
        "name": c["title"],
        "author": [{"@type": "Person", "givenName": a["given"], "familyName": a["family"],
                    "name": f"{a['given']} {a['family']}"} for a in c["authors"]],
        "datePublished": (review.get("dates") or {}).get("published") or str(c["year"]),
        "isPartOf": {"@type": "PublicationVolume", "volumeNumber": c.get("volume"),
                     "isPartOf": {"@type": "Periodical", "name": c["journal"], "issn": c.get("issn")}},
        "identifier": [{"@type": "PropertyValue", "propertyID": "DOI", "value": c["doi"]}]
        + ([{"@type": "PropertyValue", "propertyID": "PMID", "value": c["pmid"]}] if c.get("pmid") else []),
        "url": f"https://doi.org/{c['doi']}",
    }


def dataset(review: dict, studies: list[dict], base_url: str, data_date: str | None = None) -> dict:
    c, terms = review["citation"], review["site"].get("license")
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"Included studies of: {c['title']}",
        "description": f"Study-level data transcribed from {len(studies)} of the "
                       f"{review['reported']['included_studies']} studies included in the review doi:{c['doi']}.",
        "url": f"{base_url}studies/",
        "version": __version__,
        **({"dateModified": data_date} if data_date else {}),
        # The site's terms for its transcription; the review is the source (isBasedOn), under its own terms.
        **({"license": terms["content"]["url"], "creator": {"@type": "Organization", "name": terms["holder"]}}
           if terms else {}),
        "isBasedOn": f"https://doi.org/{c['doi']}",
        "citation": f"https://doi.org/{c['doi']}",
        "variableMeasured": [o["label"] for o in review["codebook"]["outcomes"]],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": f"{base_url}data/studies.csv"},
            {"@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": f"{base_url}data/studies.json"},
        ],
    }


def json_for_script(data: dict) -> Markup:
    """JSON that cannot end its <script> element early or open an HTML comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def head_tags(*, site_name: str, title: str, description: str, url: str | None, image: str | None,
              image_alt: str, og_type: str, highwire_tags: list, json_ld: list[dict], feed: str | None = None) -> str:
    return _HEAD.render(site_name=site_name, title=title, description=description, url=url, image=image, feed=feed,
                        image_alt=image_alt, og_type=og_type, highwire=highwire_tags,
                        json_ld=[json_for_script(block) for block in json_ld])


def feed_link(href: str) -> str:
    """The feed's <link> alone, for pages without the other head tags (the 404 page)."""
    return _FEED.render(feed=href)


def escaped(text: str) -> str:
    """Text for a theme that prints page.meta values into HTML without escaping them."""
    return str(escape(" ".join(str(text).split())))
