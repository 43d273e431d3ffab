-- Whether a 'moved' record has anything to move: a stored article on an old host, or a record of
-- the group before it ($before: its ordinality). When not, site.sql is skipped (see its header).
select exists (select 1 from articles where list_contains($from_sites::varchar[], site) and site <> $to_site)
    or exists (select 1 from _load_raw where ordinality < $before);
