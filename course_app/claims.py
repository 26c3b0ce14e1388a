"""The claims of the source article the curriculum is built from (A1–A8).

Their evidence status is in the shared research brief, section 0.1; lessons say which they
cover and questions which they assess.
"""

ARTICLE_CLAIMS = {
    "A1": "Dry needling targets myofascial trigger points",
    "A2": "The local twitch response breaks the cycle of tightness",
    "A3": "Electrical stimulation resets muscle tone",
    "A4": "A 'neuromuscular reset' restores muscle balance",
    "A5": "Endorphins and central pain modulation",
    "A6": "Better local circulation",
    "A7": "Better nerve–muscle communication; sciatica and nerve pain",
    "A8": "Dry needling belongs inside a treatment plan",
}
