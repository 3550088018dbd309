"""The DuckDB warehouse: schema migrations, connections, loading, analyst access and retention."""
