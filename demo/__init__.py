"""Demo and benchmark data: the fictional sample site and the synthetic warehouses."""
