"""Understanding informal Vietnamese: normalisation, language, sentiment, aspects, spam,
toxicity, emotion and keywords.

Every function here is pure (text in, predictions out); the models are read from files
shipped inside the package, never downloaded.
"""
