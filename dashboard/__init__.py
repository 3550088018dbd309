"""The Streamlit dashboard: one module per page, cached read queries, shared filters and access."""
