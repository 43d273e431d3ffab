-- The warehouse's identity: one random id, made when the schema is created (or when an older
-- warehouse is upgraded). Every spool batch a crawl writes names the warehouse it is for by this
-- id and the file's path (warehouse/spool_owner.py), so a batch is never loaded into another
-- warehouse, even one whose spool shares the folder. A copy of the file keeps the id: batches
-- are told apart from a copy's by the path as well.

create table internal.warehouse_identity (
    warehouse_id varchar not null primary key
);

insert into internal.warehouse_identity (warehouse_id) select uuid()::varchar;
