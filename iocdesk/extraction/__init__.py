"""From text and files to indicators: refang, extraction, hosts and TLDs, and the file importers."""
