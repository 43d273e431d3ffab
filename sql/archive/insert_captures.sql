-- The captures rows of one archive file (warehouse/archive/index.py), given as parallel lists:
-- one statement however many records the file holds. A record indexed already is left as it is.
insert or ignore into captures
    (url, fetched_at, status, warc_file, warc_offset, warc_length, payload_digest, run_id)
select
    unnest($urls::varchar[]),
    unnest($fetched_at::timestamptz[]),
    unnest($statuses::integer[]),
    $warc_file,
    unnest($offsets::bigint[]),
    unnest($lengths::bigint[]),
    unnest($digests::varchar[]),
    $run_id;
