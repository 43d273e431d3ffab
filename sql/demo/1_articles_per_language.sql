-- Articles per language and category
select language, category, count(*) as articles,
       min(published_on) as first, max(published_on) as last
from stg_articles group by all order by language, category;
