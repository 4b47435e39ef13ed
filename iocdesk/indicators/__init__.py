"""The domain's plain types: indicators, lookup results and verdicts, and how attacker-controlled text is shown."""
