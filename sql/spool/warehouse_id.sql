-- This warehouse's id (internal.warehouse_identity, one row), which spool batch headers name.
select min(warehouse_id) from internal.warehouse_identity;
