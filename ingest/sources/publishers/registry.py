from ingest.sources.publishers.base import Publisher

PUBLISHERS: dict[str, Publisher] = {}
