"""The publishers whose sites Vidensbank crawls, by the key the command line names them by."""

from ingest.sources.publishers.base import Publisher
from ingest.sources.publishers.boerns_vilkaar import BoernsVilkaar
from ingest.sources.publishers.sbst import SocialOgBoligstyrelsen
from ingest.sources.publishers.vive import Vive

PUBLISHERS: dict[str, Publisher] = {
    publisher.key: publisher for publisher in (Vive(), BoernsVilkaar(), SocialOgBoligstyrelsen())
}
