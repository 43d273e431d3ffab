-- The earliest capture of each (url, payload): what a crawl writes a revisit record against (in
-- our archive always a full response record). warehouse/archive/known.py.
select url, payload_digest, min(fetched_at) as fetched_at,
       arg_min(warc_file, fetched_at) as warc_file, arg_min(warc_offset, fetched_at) as warc_offset
from captures where payload_digest is not null
group by url, payload_digest;
