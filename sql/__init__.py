"""The SQL files (schema migrations, views, loads, checks, report queries), installed as the
package data of `warehouse.sql` and read through importlib.resources (warehouse/config.py)."""
