"""Paragraphs for bench/listen_check.py, each with the faults to inject into its take.

Hand-written, distinct, book-like prose with numbers, abbreviations and names. Each entry:
``text``; ``swap`` (a word of the text and what the voice says instead, a common word) and
``swap_rare`` (the same with a rarer word, outside the recogniser's common-word list) and
``swap_close`` (a word that sounds nearly the same: "ship" → "sheep", the hardest case); ``repeat`` (a phrase of the text said twice); ``skip`` (which sentence is left
out). The truncated end needs no choice: the take is cut three words before its end.
"""

from __future__ import annotations

PARAGRAPHS: list[dict] = [
    {"text": "The lighthouse keeper climbed the stairs every evening at seven. Nobody had seen the ship since Tuesday. Her lamp burned until dawn.",
     "swap_close": ("ship", "sheep"), "swap_rare": ("stairs", "lanterns"), "swap": ("Tuesday", "Thursday"), "repeat": "climbed the stairs", "skip": 1},
    {"text": "Dr. Alvarez visited the island twice a year. She brought medicine, newspapers and a tin of biscuits for the children. The ferry waited for her at the pier.",
     "swap_close": ("tin", "ten"), "swap_rare": ("biscuits", "pigeons"), "swap": ("medicine", "letters"), "repeat": "twice a year", "skip": 1},
    {"text": "In 1987 the lamp was automated, and the keeper was told her job would end by March. She stayed anyway. The coast guard paid her $1,200 a month to watch the radio.",
     "swap_close": ("coast", "ghost"), "swap_rare": ("radio", "cellar"), "swap": ("March", "April"), "repeat": "She stayed anyway", "skip": 1},
    {"text": "Most nights nothing happened. The wind pushed against the glass and the gulls settled on the railings. The beam swept its slow circle over the water.",
     "swap_close": ("beam", "team"), "swap_rare": ("railings", "violin"), "swap": ("glass", "door"), "repeat": "nothing happened", "skip": 1},
    {"text": "On the night of the storm the radio crackled with a voice she did not recognise. A small boat had lost its mast about two miles south. The crew of four could not see the shore.",
     "swap_close": ("mast", "mask"), "swap_rare": ("shore", "hammer"), "swap": ("south", "north"), "repeat": "a voice she did not recognise", "skip": 2},
    {"text": "The market opened at six, long before the sun reached the square. Farmers unloaded crates of apples, onions and potatoes. By noon the stalls were empty again.",
     "swap_close": ("square", "squire"), "swap_rare": ("potatoes", "barley"), "swap": ("apples", "carrots"), "repeat": "long before the sun", "skip": 1},
    {"text": "Professor Lindqvist kept forty notebooks on a single shelf. Each one held a year of careful observations about the river. His students called them the weather bibles.",
     "swap_close": ("shelf", "self"), "swap_rare": ("river", "tulips"), "swap": ("forty", "fifty"), "repeat": "on a single shelf", "skip": 2},
    {"text": "The train from the capital was late again. Passengers waited on the platform with their collars turned up against the rain. A child counted the carriages as they finally arrived.",
     "swap_close": ("train", "rain"), "swap_rare": ("carriages", "ladder"), "swap": ("platform", "bridge"), "repeat": "was late again", "skip": 1},
    {"text": "Mr. Okafor repaired clocks in a narrow shop near the cathedral. Every morning he wound the tall one by the window first. It had not lost a minute in thirty years.",
     "swap_close": ("shop", "chop"), "swap_rare": ("clocks", "kettle"), "swap": ("window", "kitchen"), "repeat": "in a narrow shop", "skip": 1},
    {"text": "The expedition left base camp before sunrise on the third of May. They carried food for nine days and rope for the glacier. Only two of them reached the summit.",
     "swap_close": ("camp", "cap"), "swap_rare": ("rope", "copper"), "swap": ("nine", "seven"), "repeat": "before sunrise", "skip": 1},
    {"text": "My grandmother grew tomatoes along the back wall of the garden. She never measured anything and never needed to. Her soup was the best in the county.",
     "swap_close": ("wall", "hall"), "swap_rare": ("garden", "blanket"), "swap": ("tomatoes", "roses"), "repeat": "never measured anything", "skip": 2},
    {"text": "The library closed at eight, but the caretaker let us stay. We read by the light of a single desk lamp. Outside, the snow kept falling on the empty street.",
     "swap_close": ("light", "night"), "swap_rare": ("desk", "pencil"), "swap": ("snow", "rain"), "repeat": "let us stay", "skip": 1},
    {"text": "A letter arrived with no stamp and no return address. Inside was a photograph of the harbour taken many years ago. Someone had written a date on the back in pencil.",
     "swap_close": ("stamp", "stump"), "swap_rare": ("pencil", "cottage"), "swap": ("photograph", "map"), "repeat": "no return address", "skip": 1},
    {"text": "The orchestra tuned for almost ten minutes. Then the conductor raised her hands, and the hall fell silent. The first note was barely louder than a breath.",
     "swap_close": ("note", "boat"), "swap_rare": ("breath", "lemons"), "swap": ("conductor", "singer"), "repeat": "the hall fell silent", "skip": 1},
]
