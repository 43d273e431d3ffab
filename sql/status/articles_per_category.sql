-- Articles per language and category.
select language, category, count(*) as articles
from articles
group by language, category
order by language, category;
