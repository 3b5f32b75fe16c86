"""The demo study: a Delphi on the Connecting People Intervention's practice guidance."""
