-- Articles per month and category, last 6 months (trend_monthly)
select strftime(month, '%Y-%m') as month, category, articles, share, change
from trend_monthly
where month > (select max(month) from trend_monthly) - interval 6 month
order by month, category;
