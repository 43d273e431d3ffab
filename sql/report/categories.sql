-- Every category the warehouse holds: what `warehouse report --category` may name.
select distinct category from articles order by 1;
