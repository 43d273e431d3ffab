-- The articles of each rendering: the web archive's dated pages and the crawl's weekly ones
select case when period_end is null and authors = [] then 'dated (imported from the web archive)'
            else 'weekly (crawled)' end as rendering,
       count(*) as articles, min(published_on) as first, max(published_on) as last,
       strftime(min(last_changed_at), '%Y-%m-%d') as captured_from,
       strftime(max(last_changed_at), '%Y-%m-%d') as captured_to
from stg_articles group by all order by captured_from;
