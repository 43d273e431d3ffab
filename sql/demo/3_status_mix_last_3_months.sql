-- Category status mix, last 3 months (trend_status_monthly)
pivot (select strftime(month, '%Y-%m') as month, category, category_status, articles
       from trend_status_monthly
       where month > (select max(month) from trend_status_monthly) - interval 3 month)
on category_status using sum(articles) order by month, category;
