-- Each archived record is indexed once: a record is one place in one file. Indexing a file is
-- one transaction, and inserts of rows already there are ignored, so a rerun after a crash (or
-- two loads racing) adds nothing twice.
create unique index captures_record on captures (warc_file, warc_offset);
