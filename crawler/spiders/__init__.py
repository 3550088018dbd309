"""Spiders: one config-driven spider crawls any source (feeds, sitemaps, listing pages, PDFs)."""
