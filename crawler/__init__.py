"""The crawler: config-driven Scrapy spiders, article extraction, relevance and dedup."""
