"""What panellists see: the questionnaire behind their personal link, and round feedback.

The blueprint is in ``delphi.questionnaire.blueprint``.
"""
