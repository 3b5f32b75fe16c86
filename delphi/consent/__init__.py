"""Consent and background: the information sheet and consent statements a panellist agrees to
before their first answer, withdrawal of consent, the consent log for the ethics committee, and
the background questions asked once after consent (operations in ``operations`` and
``background``, the panel characteristics table in ``characteristics``)."""
