-- Pages whose status words the extractor could not map to positive/negative/neutral: the words
-- are kept (category_status_text) and the status left NULL, for a human to judge.
select language, category_status_text, count(*) as articles, min(url) as example_url
from articles
where category_status is null and category_status_text is not null
group by language, category_status_text
order by articles desc, language, category_status_text;
