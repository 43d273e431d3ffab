-- The site of the stored articles: the most recently seen one, should a move be half-loaded.
select site from articles order by last_seen_at desc limit 1;
