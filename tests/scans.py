"""Scanned pages made by the tests: Danish text drawn at 200 dpi, turned a little and
sprinkled with noise, as a flatbed scanner leaves a printed page, saved as a PDF of images only."""

import io
import textwrap
from collections.abc import Sequence
from difflib import SequenceMatcher

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# The OCR tests' source text (written for them): 230 words with æ, ø and å. "Hyldebærsaften"
# stands on no other page of the tests' documents.
SCAN_TEXT = (
    "Børns inddragelse i egen sag er et af de vigtigste principper i Barnets Lov. Når "
    "kommunen træffer en afgørelse om et barn, skal barnets egne synspunkter høres og "
    "tillægges passende vægt i forhold til alder og modenhed. Undersøgelsen bygger på "
    "interviews med sagsbehandlere, ledere og børn i syv kommuner på Sjælland, i Jylland og på "
    "Fyn. Mange af børnene fortæller, at de først sent i forløbet fik at vide, hvad der skulle "
    "ske, og at de ønskede at blive spurgt tidligere. Sagsbehandlerne peger på, at tid og høje "
    "sagstal gør det svært at føre de samtaler, som loven forudsætter. Rapporten anbefaler, at "
    "kommunerne afsætter faste møder med barnet før hver væsentlig beslutning, og at barnet får "
    "en bisidder, hvis det ønsker det. Særligt de yngste børn under ti år har brug for, at "
    "samtalen foregår på steder, hvor de føler sig trygge, for eksempel i skolen eller i "
    "fritidsklubben. Forældrenes rolle er også vigtig: når forældrene forstår formålet med "
    "samtalen, bliver børnene mere åbne. Undersøgelsen viser desuden, at plejefamilier og "
    "opholdssteder ofte ved mere om barnets ønsker end den sagsbehandler, der træffer "
    "afgørelsen. Et gennemgående ønske fra børnene er kontinuitet, altså at de møder den samme "
    "voksne over længere tid. Skiftende sagsbehandlere nævnes som den største hindring for "
    "tillid. Til sommerlejren bryggede børnene selv hyldebærsaften, og flere fortalte, at det "
    "var første gang, en voksen havde spurgt dem om råd."
)
# A second page for a document of more than one scanned page.
SECOND_TEXT = (
    "Metoden bag undersøgelsen er kvalitativ. Hvert interview varede omkring en time og blev "
    "optaget med samtykke fra barnet og forældremyndighedens indehaver. Citaterne i rapporten "
    "er gengivet ordret, men navne, skoler og byer er ændret, så ingen kan genkendes. "
    "Forskerne takker de medvirkende børn, familier og medarbejdere for deres åbenhed."
)
DPI = 200
ANGLE = 1.5  # degrees, counter-clockwise
_A4_INCHES = (8.27, 11.69)
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_POINTS = 11


def render_scan(text: str, *, angle: float = ANGLE, seed: int = 17) -> Image.Image:
    """``text`` set on an A4 page at ``DPI``, turned by ``angle`` and noisy: Gaussian grain
    and salt-and-pepper specks."""
    width, height = (round(inches * DPI) for inches in _A4_INCHES)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    size = round(_POINTS / 72 * DPI)
    font = ImageFont.truetype(_FONT, size)
    y = DPI
    for line in textwrap.wrap(text, 78):
        draw.text((round(0.9 * DPI), y), line, fill=0, font=font)
        y += round(size * 1.5)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    rng = np.random.default_rng(seed)
    pixels = np.asarray(page).astype(np.float32) + rng.normal(0, 25, (height, width))
    specks = rng.random((height, width))
    pixels[specks < 0.01] = 0
    pixels[specks > 0.99] = 255
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def scan_pdf(pages: Sequence[Image.Image]) -> bytes:
    """A PDF whose pages are these images and nothing else (no text layer)."""
    buffer = io.BytesIO()
    first, *rest = pages
    first.save(buffer, format="PDF", resolution=DPI, save_all=True, append_images=rest)
    return buffer.getvalue()


def character_accuracy(read: str, source: str) -> float:
    """The characters OCR read right, in order (difflib's matching blocks), over the longer
    of the two texts, whitespace normalised: missed, wrong and extra characters all cost."""
    read, source = " ".join(read.split()), " ".join(source.split())
    matcher = SequenceMatcher(None, read, source, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / max(len(source), len(read), 1)
