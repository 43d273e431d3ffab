-- trend_terms_monthly: one row per month × rising term: the 20 terms per month whose share of
-- the month's articles rose most against the three calendar months before.
-- Columns: month (date, first day of the Minsk calendar month of stg_articles.published_on), term,
--          articles (that month's articles containing the term),
--          lift = share now / share before, where
--              share now    = articles / all articles of the month,
--              share before = (articles with the term in the three months before + 1)
--                             / (all articles of those three months + 1).
-- The +1 keeps the lift of a term new this month finite instead of dividing by zero.
-- Listed: terms that rose (lift > 1) and are in at least two of the month's articles (one
-- article is not a trend). A month with no articles in the three months before it has no
-- baseline and no rows. Ties: more articles first, then the term alphabetically.
-- Terms are the tokens similarity_content starts from (_article_terms: stop words out). A term
-- in most articles, which similarity drops, has a share near 1 every month and never rises.
-- Articles with neither a publication date nor a week (published_on NULL) are left out.
create or replace view trend_terms_monthly as
with

articles as (
    select url, month from stg_articles
    where month is not null
),

terms as (
    select url, term from internal._article_terms
),

month_sizes as (
    select month, count(*) as month_articles
    from articles
    group by month
),

term_months as (
    select articles.month, terms.term, count(*) as articles
    from terms
    join articles using (url)
    group by articles.month, terms.term
),

-- A month missing from these rows had no articles. The months are distinct, so the three
-- calendar months before a month are among the three rows before it (lag is far cheaper
-- than a range frame over a million rows).
baseline_sizes as (
    select
        month,
        month_articles,
        coalesce(sum(month_articles) over (
            order by month
            range between interval 3 month preceding and interval 1 month preceding
        ), 0) as before_articles
    from month_sizes
),

baseline_terms as (
    select
        month,
        term,
        articles,
        coalesce(case when lag(month, 1) over by_term >= month - interval 3 month then lag(articles, 1) over by_term end, 0)
        + coalesce(case when lag(month, 2) over by_term >= month - interval 3 month then lag(articles, 2) over by_term end, 0)
        + coalesce(case when lag(month, 3) over by_term >= month - interval 3 month then lag(articles, 3) over by_term end, 0)
            as before_term_articles
    from term_months
    window by_term as (partition by term order by month)
),

lifted as (
    select
        baseline_terms.month,
        baseline_terms.term,
        baseline_terms.articles,
        (baseline_terms.articles / baseline_sizes.month_articles)
            / ((baseline_terms.before_term_articles + 1) / (baseline_sizes.before_articles + 1)) as lift
    from baseline_terms
    join baseline_sizes using (month)
    where baseline_terms.articles >= 2
        and baseline_sizes.before_articles > 0
),

ranked as (
    select
        *,
        row_number() over (partition by month order by lift desc, articles desc, term) as position
    from lifted
    where lift > 1
)

select month, term, articles, lift from ranked
where position <= 20
order by month, lift desc, articles desc, term
