"""The bundled offline copy of "Belarus in Focus": a seeded, generated site on loopback.

    site = build_site(seed=2017, articles=160, ru_share=0.3, be_share=0.1)  # ground truth: site.articles
    with DemoServer(site, theme="weekly") as server:   # or "classic", "modern", "broken" (dated)
        ...  # crawl server.base_url; inspect server.requests
    truth.expected_fields(article, theme)              # what a correct extractor returns per page

Or in a shell: `python -m warehouse.demo_site --port 8017 --theme weekly`.

Renderings: the dated themes (themes.py, routes in pages.py) show the Drupal site of 2016-2019;
"weekly" (weekly_routes.py, weekly_markup.py) the WordPress site since: the week instead of
the date, a status sentence, bylines, /analytics/ listings, /feed/, sitemaps via robots.txt.
Languages: English, Russian mirrors under /ru/, Belarusian mirrors under /be/.

The move: `DemoServer(site, moved_to="http://127.0.0.2:PORT")` (or setting `.moved_to` while it
runs, or `--moved-to URL`) answers every request with 301 to the same path and query there.

Faults (all deterministic; paths on `site.faults`):

- transient_500_path: 500 on the first request per server instance, then 200;
- missing_similar / missing_listing: a Similar-block link and a listing item (on
  missing_listing[0]) pointing at articles that answer 404;
- redirect_from "/node/<id>": 301 to redirect_to (every /node/<id> of an article redirects;
  this one is linked from the English home page);
- alias_hrefs: the same article (alias_target) linked with a trailing slash (home page),
  `?utm_source=...&utm_medium=...` (every Recent trends link carries these) and `#comments`
  (its own page); all served 200 with the same bytes, no redirect. Some Similar teasers and
  every home page link also end with a slash;
- cp1251_path: a Russian article served as windows-1251 (header and <meta>); all else utf-8;
- undated_path: an article with no date element at all (published_at is None);
- off-site links on every page: Facebook and Twitter share links, mailto:, and a footer
  "Mirror" link to http://localhost:PORT/ (same server, another host name: a request to it
  shows up in `server.requests` with Host "localhost:PORT");
- oversized_path: an article page over 11 MB (Content-Length sent), linked from its listing;
  not an expected article: `site.expected_articles()` leaves it out, and so does the sitemap;
- robots.txt disallows /user/, /search and /print/; every page links /user/login and
  /search?q=..., every article /print/...; they answer 200, so a request shows in the log.

- unclear_status_path (weekly theme only): the sentence "The situation is unclear", which
  maps to no status (category_status None there; the dated themes show its icon as usual).

Also: `site.seed_path` / `site.seed_similar_path` are the two real articles with their real
text, and `site.month_boundary_path` is published at 00:30 Minsk time on 1 March 2017.
"""

from warehouse.demo_site.content import DemoArticle, Faults, Site, build_site
from warehouse.demo_site.server import DemoServer, LoggedRequest

__all__ = ["DemoArticle", "DemoServer", "Faults", "LoggedRequest", "Site", "build_site"]
